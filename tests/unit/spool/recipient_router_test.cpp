#include "spool/recipient_router.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

#include "spool/password.hpp"
#include "tabfile/tab_reader.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;
using spool::MailboxFormat;

namespace {

struct Tables {
  test::TempDir dir;
  spool::Domains domains;
  spool::MailUsers users;
  spool::Aliases aliases;
  std::unique_ptr<spool::MailRootFiles> files;
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
    aliases = spool::Aliases::from_table(
        tabfile::parse("\"x.org\"\t\"oops\"\t\"errors\"\n", "aliases.tab"));
    files = std::make_unique<spool::MailRootFiles>(dir.path());
  }
  spool::RecipientRouter router(std::string error_account,
                                MailboxFormat format = MailboxFormat::maildir) {
    return spool::RecipientRouter(spool::MailRoot(dir.path()), {&domains, &users, &aliases}, *files,
                                  error_account, format);
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
       "nobody@x.org: no account or alias \"nobody\" in domain \"x.org\" (XMail bounces it to "
       "the sender)"},
      {"mailing list without members file", "list@y.org",
       "list@y.org: mailing list without domains/y.org/list/mlusers.tab (XMail cannot expand "
       "it either)"},
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
          "account or alias \"gone\" in domain \"x.org\" (XMail bounces it to the sender)");
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

TEST_CASE("router: resolution as XMail's local delivery, mailboxes once, the MTA part apart") {
  Tables t;
  t.dir.write("domains/y.org/list/mlusers.tab",
              "\"joe@x.org\"\t\"RW\"\n\"ann@y.org\"\n\"far@remote.net\"\t\"R\"\n");
  t.dir.write("domains/x.org/joe-dir/mailproc.tab", "\"mailbox\"\n\"redirect\"\t\"ann@y.org\"\n");
  t.files = std::make_unique<spool::MailRootFiles>(t.dir.path());
  SECTION("alias and mailproc.tab: every mailbox once") {
    auto r = t.router("").route({"oops@x.org", "joe@x.org"});
    CHECK(r.complete());
    REQUIRE(r.targets.size() == 3);
    CHECK(r.targets[0].key == "errors@x.org");
    CHECK(r.targets[1].key == "joe@x.org");
    CHECK(r.targets[2].key == "ann@y.org");
    CHECK(r.mta.empty());
  }
  SECTION("a list with a remote member: held without an error account") {
    auto r = t.router("").route({"list@y.org"});
    CHECK_FALSE(r.complete());
    REQUIRE(r.failures.size() == 1);
    CHECK(r.failures[0].to_string() == "list@y.org: needs an MTA: far@remote.net: remote address");
    REQUIRE(r.mta.size() == 1);
    CHECK(r.mta[0].field == "far@remote.net");
    CHECK(r.targets.size() == 2);  // joe and ann: the caller keeps the message, delivers none
  }
  SECTION("... and the error account takes the MTA part") {
    auto r = t.router("errors@x.org").route({"list@y.org"});
    CHECK(r.complete());
    REQUIRE(r.targets.size() == 3);
    CHECK(r.targets[2].key == "errors@x.org");
    REQUIRE(r.rerouted.size() == 1);
  }
  SECTION("the error account itself may be an alias") {
    auto r = t.router("oops@x.org").route({"bob@ext.com"});
    CHECK(r.complete());
    REQUIRE(r.targets.size() == 1);
    CHECK(r.targets[0].key == "errors@x.org");
  }
  SECTION("a recipient that reaches no mailbox is not dropped quietly") {
    t.dir.write("domains/y.org/ann/mailproc.tab", "\"bogus\"\n");
    t.files = std::make_unique<spool::MailRootFiles>(t.dir.path());
    auto r = t.router("").route({"ann@y.org"});
    REQUIRE(r.failures.size() == 1);
    CHECK(r.failures[0].text.rfind("resolves to no mailbox (XMail drops it): ", 0) == 0);
    REQUIRE(r.warnings.size() == 1);
  }
}

TEST_CASE("router: own_mailbox tells a copy for the error account alone from a shared one") {
  Tables t;
  CHECK_FALSE(t.router("errors@x.org").route({"bob@ext.com"}).own_mailbox);
  CHECK(t.router("errors@x.org").route({"bob@ext.com", "joe@x.org"}).own_mailbox);
}

TEST_CASE("router: PopEnable 0 does not stop delivery (XMail checks it at POP3 login only)") {
  Tables t;
  t.dir.write("domains/x.org/joe-dir/user.tab", "\"PopEnable\"\t\"0\"\n\"ReceiveEnable\"\t\"0\"\n");
  auto r = t.router("").route({"joe@x.org"});
  CHECK(r.complete());
  REQUIRE(r.targets.size() == 1);
  CHECK(r.targets[0].key == "joe@x.org");
}

namespace {

spool::RecipientRouter relaying(Tables& t, spool::RelayPolicy policy, std::string error = "") {
  return spool::RecipientRouter(spool::MailRoot(t.dir.path()), {&t.domains, &t.users, &t.aliases},
                                *t.files, std::move(error), MailboxFormat::maildir,
                                std::move(policy));
}

}  // namespace

TEST_CASE("router with a relay: remote redirects, custom domains and commands go to the gateway") {
  Tables t;
  t.dir.write("domains/x.org/joe-dir/mailproc.tab",
              "\"mailbox\"\n\"redirect\"\t\"far@remote.net\"\n");
  t.dir.write("custdomains/cust.net.tab", "\"external\"\t\"0\"\t\"5\"\t\"/bin/true\"\n");
  t.dir.write("cmdaliases/y.org/relayed.tab", "\"smtprelay\"\t\"#gw1:2525;gw2\"\t\"NeedTLS=1\"\n");
  t.files = std::make_unique<spool::MailRootFiles>(t.dir.path());
  auto route = relaying(t, {true, false, ""}).route({"joe@x.org", "who@cust.net", "relayed@y.org"});
  CHECK(route.complete());
  REQUIRE(route.targets.size() == 1);
  CHECK(route.targets[0].key == "joe@x.org");
  REQUIRE(route.relay.size() == 3);
  CHECK(route.relay[0].address == "far@remote.net");
  CHECK(route.relay[0].gateways.empty());
  CHECK(route.relay[1].address == "who@cust.net");
  CHECK(route.relay[2].address == "relayed@y.org");
  CHECK(route.relay[2].gateways == "#gw1:2525;gw2");
  CHECK(route.relay[2].options == "NeedTLS=1");

  SECTION("without a relay the same goes to the error account, as before") {
    auto off = t.router("errors@x.org").route({"joe@x.org", "who@cust.net"});
    CHECK(off.relay.empty());
    CHECK(off.rerouted.size() == 2);  // joe's redirect to far@remote.net, and who@cust.net
  }
  SECTION("a looping message is not relayed: it falls back with the reason") {
    auto blocked = relaying(t, {true, false, "mail loop"}).route({"who@cust.net"});
    CHECK(blocked.relay.empty());
    REQUIRE(blocked.failures.size() == 1);
    CHECK(blocked.failures[0].text.find("mail loop") != std::string::npos);
  }
}

TEST_CASE("router with a relay: outside recipients only with the open-relay switch") {
  Tables t;
  auto closed = relaying(t, {true, false, ""}).route({"joe@x.org", "bob@outside.example"});
  CHECK_FALSE(closed.complete());
  CHECK(closed.relay.empty());
  auto open = relaying(t, {true, true, ""}).route({"joe@x.org", "bob@outside.example"});
  CHECK(open.complete());
  REQUIRE(open.relay.size() == 1);
  CHECK(open.relay[0].address == "bob@outside.example");
  SECTION("an unknown local user is never relayed") {
    auto unknown = relaying(t, {true, true, ""}).route({"nobody@x.org"});
    CHECK(unknown.relay.empty());
    CHECK_FALSE(unknown.complete());
  }
}
