#include "admin/link_admin.hpp"

#include "admin/account_admin.hpp"
#include "admin/domain_admin.hpp"
#include "psync/link_table.hpp"
#include "tests/support/admin/admin_root.hpp"

using namespace psyncd;
using admin::LinkKey;

namespace {

struct Links : test::AdminRoot {
  Links() {
    REQUIRE(admin::add_domain(ctx, "example.test"));
    REQUIRE(admin::add_account(ctx, "example.test", "alice", "pw"));
  }
  // The link lines of pop3links.tab without the header comment mkroot writes.
  std::string records() const {
    std::string text = read("pop3links.tab");
    return text.substr(text.find('\n') + 1);
  }
};

const LinkKey kAlice{"example.test", "alice", "pop.test:995", "alice@remote"};

}  // namespace

TEST_CASE("links: poplnkadd writes XMail's line with the xmcrypt password") {
  Links r;
  REQUIRE(admin::add_link(r.ctx, kAlice, "xmail", "POP3S,Leave"));
  REQUIRE(admin::add_link(r.ctx, {"?example.test,example.org", "team", "pop.test", "team"}, "x",
                          "CLR"));
  CHECK(r.records() ==
        "\"example.test\"\t\"alice\"\t\"pop.test:995\"\t\"alice@remote\"\t\"1d08040c09\"\t"
        "\"POP3S,Leave\"\n"
        "\"?example.test,example.org\"\t\"team\"\t\"pop.test\"\t\"team\"\t\"1d\"\t\"CLR\"\n");
  auto table = psync::LinkTable::load(r.root + "/pop3links.tab");
  REQUIRE(table);
  CHECK(table->problems.empty());
  REQUIRE(table->links.size() == 2);
  CHECK(table->links[0].password == "xmail");
}

TEST_CASE("links: a line --check would fault is refused, naming file, line and field") {
  Links r;
  REQUIRE(admin::add_link(r.ctx, kAlice, "pw", "CLR"));
  std::string before = r.read("pop3links.tab");
  auto spaced =
      admin::add_link(r.ctx, {"example.test", "alice", "pop.test", "b"}, "pw", "STLS, Leave");
  REQUIRE_FALSE(spaced);
  CHECK(spaced.error().kind == ErrorKind::config);
  // The problem as --check words it (its severity word included), on a line of its own.
  CHECK(spaced.error().text.starts_with(
      "refused, nothing was changed: the new line would not pass --check:\n  "));
  CHECK(spaced.error().text.find(
            ": " + r.root + "/pop3links.tab:3: field 6 (authtype): unknown token \" Leave\"") !=
        std::string::npos);
  auto twice = admin::add_link(r.ctx, {"EXAMPLE.test", "Alice", "POP.test:995", "alice@remote"},
                               "pw", "CLR");
  REQUIRE_FALSE(twice);
  CHECK(twice.error().text.find("pop3links.tab:3: ") != std::string::npos);
  CHECK(twice.error().text.find("duplicate") != std::string::npos);
  auto no_account = admin::add_link(r.ctx, {"example.test", "bob", "pop.test", "b"}, "pw", "CLR");
  REQUIRE_FALSE(no_account);
  CHECK(no_account.error().text.find("which is not an account in mailusers.tab") !=
        std::string::npos);
  CHECK_FALSE(admin::add_link(r.ctx, {"example.test", "alice", "pop.test:x", "b"}, "pw", "CLR"));
  CHECK_FALSE(
      admin::add_link(r.ctx, {"example.test", "alice", "pop.test", "b"}, "pw", "SASL=DIGEST-MD5"));
  CHECK_FALSE(admin::add_link(r.ctx, {"example.test", "alice", "pop.test", "b"}, "p\tw", "CLR"));
  CHECK(r.read("pop3links.tab") == before);
}

TEST_CASE("links: poplnkenable writes and removes XMail's .disabled file") {
  Links r;
  REQUIRE(admin::add_link(r.ctx, kAlice, "pw", "CLR"));
  REQUIRE(admin::add_link(r.ctx, {"@example.test", "bob", "pop.test", "bob"}, "pw", "CLR"));
  const std::string local = "domains/example.test/alice/alice@remote@pop.test:995.disabled";
  const std::string other = "pop3links/bob@pop.test.disabled";
  REQUIRE(admin::enable_links(r.ctx, {"example.test", "alice", "", ""}, false));
  CHECK(r.exists(local));
  CHECK_FALSE(r.exists(other));
  REQUIRE(admin::enable_links(r.ctx, {"@example.test", "bob", "pop.test", "bob"}, false));
  CHECK(r.exists(other));
  auto rows = admin::list_links(r.ctx, {});
  REQUIRE(rows);
  REQUIRE(rows->size() == 2);
  CHECK(rows->at(0).disabled);
  CHECK(rows->at(0).line == 2);
  CHECK(rows->at(1).authtype == "CLR");
  REQUIRE(admin::enable_links(r.ctx, {"example.test", "alice", "", ""}, true));
  CHECK_FALSE(r.exists(local));
  auto none = admin::enable_links(r.ctx, {"example.test", "nobody", "", ""}, true);
  REQUIRE_FALSE(none);
  CHECK(none.error().kind == ErrorKind::not_found);
  // poplnkdel removes the line and its .disabled file.
  REQUIRE(admin::remove_link(r.ctx, {"@example.test", "bob", "pop.test", "bob"}));
  CHECK_FALSE(r.exists(other));
  CHECK(r.records().find("bob") == std::string::npos);
}

TEST_CASE("links: poplnkpasswd changes field 5 only") {
  Links r;
  REQUIRE(admin::add_link(r.ctx, kAlice, "old", "APOP,Leave"));
  REQUIRE(admin::set_link_password(r.ctx, kAlice, "xmail"));
  CHECK(r.records() ==
        "\"example.test\"\t\"alice\"\t\"pop.test:995\"\t\"alice@remote\"\t"
        "\"1d08040c09\"\t\"APOP,Leave\"\n");
  CHECK_FALSE(admin::set_link_password(r.ctx, {"example.test", "alice", "x", "y"}, "pw"));
}
