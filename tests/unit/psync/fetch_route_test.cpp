// The fetch route (psync/fetch_route.hpp) on the fetch fixture's MAIL_ROOT (domain ex.test,
// accounts joe, ann, errors): recipients go through spool::RecipientRouter, a recipient with
// no target keeps the message on the server unless Pop3SyncErrorAccount takes it, targets'
// directories are created, hand-off has one target, and the rewriter's warnings are logged
// once per link per cycle.
#include "psync/fetch_route.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/log.hpp"
#include "tests/support/mail/header_feed.hpp"
#include "tests/support/psync/psync_fetch_fixture.hpp"

using namespace psyncd;  // NOLINT: test code

namespace {

std::vector<std::string> keys(const psync::Route& r) {
  std::vector<std::string> out;
  for (const auto& t : r.targets) out.push_back(t.key);
  return out;
}

mail::HeaderBlock head(const std::string& lf) {
  return test::read_headers_bytewise(test::to_crlf(lf));
}

// Collects warn-level log lines while alive.
struct WarnCapture {
  std::vector<std::string> lines;
  log::Sink old;
  WarnCapture() {
    old = log::set_sink([this](log::Level level, std::string_view m) {
      if (level == log::Level::warn) lines.emplace_back(m);
    });
  }
  ~WarnCapture() { log::set_sink(old); }
};

}  // namespace

TEST_CASE("fetch route: every recipient routed, or rerouted, or the message stays",
          "[psync][route]") {
  struct Case {
    const char* name;
    std::string headers;
    std::string error_account;
    std::vector<std::string> want_targets;
    bool want_error_account;
    std::string want_reason;
  } cases[] = {
      {"all local",
       "To: ann@remote.test\nCc: Joe <JOE@remote.test>\n\n",
       "",
       {"ann@ex.test", "joe@ex.test"},
       false,
       ""},
      {"mixed, no error account: stays",
       "To: ann@remote.test, bob@remote.test\n\n",
       "",
       {},
       false,
       "bob@ex.test: no account or alias \"bob\" in domain \"ex.test\" (XMail bounces it to the "
       "sender)"},
      {"mixed: the unknown one to the error account",
       "To: ann@remote.test, bob@remote.test\n\n",
       "errors@ex.test",
       {"ann@ex.test", "errors@ex.test"},
       false,
       ""},
      {"all unknown: the error account alone",
       "To: bob@remote.test, cy@remote.test\n\n",
       "errors@ex.test",
       {"errors@ex.test"},
       true,
       ""},
      {"error account not local: stays, reason without it",
       "To: bob@remote.test\n\n",
       "gone@ex.test",
       {},
       false,
       "bob@ex.test: no account or alias \"bob\" in domain \"ex.test\" (XMail bounces it to the "
       "sender)"},
      {"several unknown: the first and a count",
       "To: a@remote.test, b@remote.test, c@x.test\n"
       "Cc: d@remote.test\n\n",
       "",
       {},
       false,
       "a@ex.test: no account or alias \"a\" in domain \"ex.test\" (XMail bounces it to the "
       "sender) (and 2 more)"},
      {"no recipient",
       "To: a@elsewhere.test\n\n",
       "errors@ex.test",
       {},
       false,
       "the message has no recipient"},
  };
  test::FetchFixture f;
  auto link = f.rewrite_link(1, "?ex.test,remote.test");
  for (const auto& c : cases) {
    INFO(c.name);
    f.env.route.error_account = c.error_account;
    auto r = psync::route_message(f.env.route, link, head(c.headers));
    CHECK(keys(r) == c.want_targets);
    CHECK(r.to_error_account == c.want_error_account);
    CHECK(r.reason == c.want_reason);
    if (!r.targets.empty()) CHECK(r.recipients == c.want_targets);
  }
}

TEST_CASE("fetch route: the error account alone, and why it cannot be used", "[psync][route]") {
  test::FetchFixture f;
  auto block = head("From: Al <al@far.test>\nTo: bob@remote.test\n\n");
  struct Case {
    const char* name;
    std::string error_account;
    std::vector<std::string> want_targets;
    std::string want_reason;
  } cases[] = {
      {"set and local", "Errors@ex.test", {"errors@ex.test"}, ""},
      {"unset", "", {}, "no Pop3SyncErrorAccount set"},
      {"not local",
       "gone@ex.test",
       {},
       "Pop3SyncErrorAccount gone@ex.test: no account or alias \"gone\" in domain \"ex.test\" "
       "(XMail bounces it to the sender)"},
      {"foreign domain",
       "e@far.test",
       {},
       "Pop3SyncErrorAccount e@far.test: domain \"far.test\" is not local"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    f.env.route.error_account = c.error_account;
    auto r = psync::route_error_account(f.env.route, block);
    CHECK(keys(r) == c.want_targets);
    CHECK(r.reason == c.want_reason);
    CHECK(r.to_error_account);
    CHECK(r.sender == "al@far.test");
  }
}

TEST_CASE("fetch route: missing account directories are created; hand-off has one target",
          "[psync][route]") {
  test::FetchFixture f;
  auto link = f.rewrite_link(1, "?ex.test,remote.test");
  auto block = head("To: ann@remote.test, joe@remote.test\n\n");
  std::filesystem::path ann = f.dir / "domains/ex.test/ann";
  std::filesystem::remove_all(ann);
  SECTION("Maildir: new, cur and tmp") {
    auto r = psync::route_message(f.env.route, link, block);
    REQUIRE(r.targets.size() == 2);
    CHECK(r.targets[0].dir == (ann / "Maildir/new").string());
    for (const char* sub : {"new", "cur", "tmp"})
      CHECK(std::filesystem::is_directory(ann / "Maildir" / sub));
  }
  SECTION("a directory seen this cycle is not checked again; the next cycle makes it again") {
    (void)psync::route_message(f.env.route, link, block);
    std::filesystem::remove_all(ann);
    (void)psync::route_message(f.env.route, link, block);
    CHECK_FALSE(std::filesystem::exists(ann));  // known: no stat, no mkdir
    psync::RouteConfig next = f.env.route;
    next.known_dirs = std::make_shared<psync::SharedSet>();
    (void)psync::route_message(next, link, block);
    CHECK(std::filesystem::is_directory(ann / "Maildir/new"));
  }
  SECTION("-Mm: mailbox/") {
    f.env.route.mailbox_format = true;
    auto r = psync::route_message(f.env.route, link, block);
    REQUIRE(r.targets.size() == 2);
    CHECK(r.targets[0].dir == (ann / "mailbox").string());
    CHECK(std::filesystem::is_directory(ann / "mailbox"));
    CHECK_FALSE(std::filesystem::exists(ann / "Maildir"));
  }
  SECTION("hand-off: spool/local, recipients for the envelope, no directory made") {
    f.env.route.handoff = true;
    auto r = psync::route_message(f.env.route, link, block);
    CHECK(keys(r) == std::vector<std::string>{"spool/local"});
    CHECK(r.targets[0].dir == f.root.spool_local_dir());
    CHECK(r.recipients == std::vector<std::string>{"ann@ex.test", "joe@ex.test"});
    CHECK_FALSE(std::filesystem::exists(ann));
  }
}

TEST_CASE("fetch route: rewriter warnings are logged once per link per cycle", "[psync][route]") {
  test::FetchFixture f;
  auto open = f.rewrite_link(1, "?ex.test");  // no match-domain list
  auto other = f.rewrite_link(2, "?ex.test");
  const std::string every = "no match-domain list: every address found is rewritten";
  WarnCapture seen;
  for (int i = 0; i < 3; ++i) {
    (void)psync::route_message(f.env.route, open, head("To: ann@remote.test\n\n"));
  }
  (void)psync::route_message(f.env.route, other, head("To: ann@remote.test\n\n"));
  CHECK(seen.lines ==
        std::vector<std::string>{"joe@127.0.0.1:1: " + every, "joe@127.0.0.1:2: " + every});
  SECTION("a warning of one message is said once too") {
    seen.lines.clear();
    auto matched = f.rewrite_link(1, "?ex.test,remote.test");
    for (int i = 0; i < 2; ++i) {
      (void)psync::route_message(f.env.route, matched, head("To: a@elsewhere.test\n\n"));
    }
    CHECK(seen.lines ==
          std::vector<std::string>{"joe@127.0.0.1:1: no matching address found in the headers"});
  }
  SECTION("the next cycle (a new RouteConfig) says it again") {
    seen.lines.clear();
    psync::RouteConfig next = f.env.route;
    next.warned = std::make_shared<psync::SharedSet>();
    (void)psync::route_message(next, open, head("To: ann@remote.test\n\n"));
    CHECK(seen.lines == std::vector<std::string>{"joe@127.0.0.1:1: " + every});
  }
  SECTION("plain links have no rewriter and log nothing") {
    seen.lines.clear();
    (void)psync::route_message(f.env.route, f.link(1), head("To: x@y.test\n\n"));
    CHECK(seen.lines.empty());
  }
}

TEST_CASE("fetch route: hand-off does not route: XMail resolves what its PSYNC accepts",
          "[psync][route]") {
  test::FetchFixture f;
  f.env.route.handoff = true;
  f.dir.write("custdomains/cust.test.tab", "\"smtp\"\t\"10.0.0.1\"\n");
  f.env.route.files = std::make_shared<spool::MailRootFiles>(f.dir.path());
  auto fixed = [&](const std::string& account) {
    psync::Link link = f.rewrite_link(1, "@ex.test");
    link.local_account = account;
    return link;
  };
  auto block = head("To: x@remote.test\n\n");
  SECTION("an unknown user of a local domain goes to XMail as it is (XMail bounces it)") {
    auto r = psync::route_message(f.env.route, fixed("postmaster"), block);
    CHECK(keys(r) == std::vector<std::string>{"spool/local"});
    CHECK(r.recipients == std::vector<std::string>{"postmaster@ex.test"});
  }
  SECTION("'&' link: local, custom and foreign recipients; dropped duplicates") {
    auto link = f.rewrite_link(1, "&.test,ex,cust,far");
    REQUIRE(link.kind == psync::LinkKind::masquerade_append);
    auto r = psync::route_message(f.env.route, link, head("To: Ann@ex, ann@EX, b@cust, c@far\n\n"));
    CHECK(r.targets.empty());  // c@far.test is not XMail's and there is no error account
    CHECK(r.reason == "c@far.test: not in a local or custom domain");
    f.env.route.error_account = "errors@ex.test";
    r = psync::route_message(f.env.route, link, head("To: Ann@ex, ann@EX, b@cust, c@far\n\n"));
    CHECK(keys(r) == std::vector<std::string>{"spool/local"});
    CHECK(r.recipients == std::vector<std::string>{"Ann@ex.test", "b@cust.test", "errors@ex.test"});
    CHECK_FALSE(r.to_error_account);
  }
  SECTION("the error account alone") {
    f.env.route.error_account = "errors@ex.test";
    auto r = psync::route_error_account(f.env.route, block);
    CHECK(keys(r) == std::vector<std::string>{"spool/local"});
    CHECK(r.recipients == std::vector<std::string>{"errors@ex.test"});
    CHECK(r.to_error_account);
  }
}
