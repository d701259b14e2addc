#include "spool/recipient_router.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

#include "spool/password.hpp"
#include "tests/support/temp_dir.hpp"

using namespace psyncd;
using spool::MailboxFormat;

namespace {

struct Tables {
  test::TempDir dir;
  spool::Domains domains;
  spool::MailUsers users;
  Tables() {
    dir.write("domains.tab", "\"x.org\"\n\"y.org\"\n");
    dir.write("aliasdomain.tab", "\"alias.org\"\t\"x.org\"\n\"*.wild.org\"\t\"y.org\"\n");
    std::string pw = spool::encode_password("pw");
    dir.write("mailusers.tab", "\"x.org\"\t\"Joe\"\t\"" + pw +
                                   "\"\t1\t\"joe-dir\"\t\"U\"\n"
                                   "\"x.org\"\t\"errors\"\t\"" +
                                   pw +
                                   "\"\t2\t\"errors\"\t\"U\"\n"
                                   "\"y.org\"\t\"ann\"\t\"" +
                                   pw +
                                   "\"\t3\t\"ann\"\t\"U\"\n"
                                   "\"y.org\"\t\"list\"\t\"" +
                                   pw + "\"\t4\t\"list\"\t\"M\"\n");
    domains = spool::Domains::load(dir / "domains.tab", dir / "aliasdomain.tab").value();
    users = spool::MailUsers::load(dir / "mailusers.tab").value();
  }
  spool::RecipientRouter router(std::string error_account,
                                MailboxFormat format = MailboxFormat::maildir) {
    return spool::RecipientRouter(spool::MailRoot(dir.path()), domains, users, error_account,
                                  format);
  }
};

}  // namespace

TEST_CASE("router: local accounts, alias domains, one copy per account") {
  Tables t;
  auto route = t.router("").route({"joe@x.org", "JOE@alias.org", "ann@sub.wild.org"});
  CHECK(route.complete());
  REQUIRE(route.targets.size() == 2);
  CHECK(route.targets[0].key == "joe@x.org");
  CHECK(route.targets[0].dir == t.dir / "domains/x.org/joe-dir/Maildir/new");
  CHECK(route.targets[1].key == "ann@y.org");
  CHECK(route.tmp_dir == t.dir / "domains/x.org/joe-dir/Maildir/tmp");

  SECTION("mailbox format: mailbox/ and MAIL_ROOT/tmp, or the domain's .tmp when present") {
    auto mb = t.router("", MailboxFormat::mailbox).route({"ann@y.org"});
    CHECK(mb.targets[0].dir == t.dir / "domains/y.org/ann/mailbox");
    CHECK(mb.tmp_dir == t.dir / "tmp");
    std::filesystem::create_directories(t.dir / "domains/y.org/.tmp");
    CHECK(t.router("", MailboxFormat::mailbox).route({"ann@y.org"}).tmp_dir ==
          t.dir / "domains/y.org/.tmp");
  }
}

TEST_CASE("router: bad input and unroutable recipients, with and without an error account") {
  Tables t;
  struct Case {
    const char* name;
    std::string rcpt;
    std::string want;
  } cases[] = {
      {"foreign domain", "bob@ext.com", "bob@ext.com: domain \"ext.com\" is not local"},
      {"unknown account", "nobody@x.org",
       "nobody@x.org: no account \"nobody\" in domain \"x.org\""},
      {"mailing list", "list@y.org", "list@y.org: is a mailing list (not delivered by psyncd)"},
      {"no domain", "joe", "joe: not an address of the form user@domain"},
      {"empty local part", "@x.org", "@x.org: not an address of the form user@domain"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto plain = t.router("").route({"joe@x.org", c.rcpt});
    CHECK_FALSE(plain.complete());
    REQUIRE(plain.failures.size() == 1);
    CHECK(plain.failures[0].to_string() == c.want);
    CHECK(plain.targets.size() == 1);  // joe still gets it; the journal avoids duplicates

    auto rerouted = t.router("errors@x.org").route({"joe@x.org", c.rcpt});
    CHECK(rerouted.complete());
    REQUIRE(rerouted.rerouted.size() == 1);
    CHECK(rerouted.rerouted[0].to_string() == c.want);
    REQUIRE(rerouted.targets.size() == 2);
    CHECK(rerouted.targets[1].key == "errors@x.org");
  }
  SECTION("an unroutable error account is a failure naming both reasons") {
    auto r = t.router("gone@x.org").route({"bob@ext.com"});
    REQUIRE(r.failures.size() == 1);
    CHECK(r.failures[0].to_string() ==
          "bob@ext.com: domain \"ext.com\" is not local; Pop3SyncErrorAccount: gone@x.org: no "
          "account \"gone\" in domain \"x.org\"");
    CHECK(r.targets.empty());
  }
  SECTION("no recipients at all") {
    auto r = t.router("").route({});
    REQUIRE(r.failures.size() == 1);
    CHECK(r.failures[0].text == "the message has no recipient");
  }
}

TEST_CASE("router: Pop3SyncErrorAccount from server.tab") {
  test::TempDir dir;
  dir.write("server.tab", "\"Pop3SyncErrorAccount\"\t\"errors@x.org\"\n");
  CHECK(spool::RecipientRouter::error_account(
            spool::ServerConfig::load(dir / "server.tab").value()) == "errors@x.org");
  dir.write("empty.tab", "\"RootDomain\"\t\"x.org\"\n");
  CHECK(spool::RecipientRouter::error_account(spool::ServerConfig::load(dir / "empty.tab").value())
            .empty());
}
