#include "admin/account_admin.hpp"

#include "admin/alias_admin.hpp"
#include "admin/domain_admin.hpp"
#include "admin/link_admin.hpp"
#include "spool/mail_users.hpp"
#include "tests/support/admin/admin_root.hpp"
#include "tests/support/common/faulty_fs.hpp"

using namespace psyncd;

namespace {

struct Accounts : test::AdminRoot {
  Accounts() { REQUIRE(admin::add_domain(ctx, "example.test")); }
};

}  // namespace

TEST_CASE("accounts: useradd writes what XMail's UsrAddUser writes") {
  Accounts r;
  r.write("mailusers.tab", "# kept\n\"example.test\"\t\"old\"\t\"00\"\t7\t\"old\"\t\"U\"\n");
  r.write("domains/example.test/userdef.tab", "\"PopEnable\"\t\"0\"\n\"Bad\"\n");
  REQUIRE(admin::add_account(r.ctx, "Example.Test", "Alice.B", "xmail"));
  CHECK(r.read("mailusers.tab") ==
        "# kept\n\"example.test\"\t\"old\"\t\"00\"\t7\t\"old\"\t\"U\"\n"
        "\"example.test\"\t\"Alice.B\"\t\"1d08040c09\"\t8\t\"Alice.B\"\t\"U\"\n");
  for (const char* d : {"new", "cur", "tmp"})
    CHECK(std::filesystem::is_directory(r.root + "/domains/example.test/Alice.B/Maildir/" + d));
  // The domain's userdef.tab wins over the root's; only its 2-field records are copied.
  CHECK(r.read("domains/example.test/Alice.B/user.tab") == "\"PopEnable\"\t\"0\"\n");
  auto users = spool::MailUsers::load(r.root + "/mailusers.tab");
  REQUIRE(users);
  CHECK(users->problems().empty());
  CHECK(users->find("example.test", "alice.b")->password == "xmail");
}

TEST_CASE("accounts: -Mm makes mailbox/, a list gets mlusers.tab") {
  Accounts r;
  r.ctx.format = admin::MailboxFormat::mailbox;
  REQUIRE(admin::add_account(r.ctx, "example.test", "bob", "pw"));
  CHECK(std::filesystem::is_directory(r.root + "/domains/example.test/bob/mailbox"));
  CHECK_FALSE(r.exists("domains/example.test/bob/Maildir"));
  CHECK(r.read("domains/example.test/bob/user.tab").find("\"PopEnable\"\t\"1\"") !=
        std::string::npos);
  REQUIRE(admin::add_account(r.ctx, "example.test", "list", "pw", "M"));
  CHECK(r.exists("domains/example.test/list/mlusers.tab"));
  CHECK(r.read("mailusers.tab").find("\t2\t\"list\"\t\"M\"\n") != std::string::npos);
}

TEST_CASE("accounts: refused adds change nothing and name what is wrong") {
  Accounts r;
  REQUIRE(admin::add_account(r.ctx, "example.test", "alice", "pw"));
  std::string before = r.read("mailusers.tab");
  auto twice = admin::add_account(r.ctx, "example.test", "ALICE", "pw");
  REQUIRE_FALSE(twice);
  CHECK(twice.error().to_string() ==
        r.root + "/mailusers.tab:1: account: \"ALICE@example.test\" already exists");
  auto no_domain = admin::add_account(r.ctx, "nowhere.test", "bob", "pw");
  REQUIRE_FALSE(no_domain);
  CHECK(no_domain.error().text ==
        "\"nowhere.test\" is not a local domain; add it first (psyncctl domainadd)");
  CHECK_FALSE(admin::add_account(r.ctx, "example.test", "a/b", "pw"));
  CHECK_FALSE(admin::add_account(r.ctx, "example.test", "a b", "pw"));
  CHECK_FALSE(admin::add_account(r.ctx, "example.test", "bob", "tab\there"));
  CHECK_FALSE(admin::add_account(r.ctx, "example.test", "bob", ""));
  CHECK_FALSE(admin::add_account(r.ctx, "example.test", "bob", "pw", "X"));
  REQUIRE(admin::add_alias(r.ctx, "example.test", "postmaster", "alice"));
  auto alias = admin::add_account(r.ctx, "example.test", "Postmaster", "pw");
  REQUIRE_FALSE(alias);
  CHECK(alias.error().line == 1);
  CHECK(alias.error().field == "alias");
  std::filesystem::create_directories(r.root + "/domains/example.test/carol");
  auto dir = admin::add_account(r.ctx, "example.test", "carol", "pw");
  REQUIRE_FALSE(dir);
  CHECK(dir.error().text ==
        "the account directory exists already; move it away or remove it first");
  CHECK(r.read("mailusers.tab") == before);
  CHECK_FALSE(r.exists("domains/example.test/bob"));
}

TEST_CASE("accounts: a table that cannot be written leaves no account directory behind") {
  Accounts r;
  test::FaultyFs faulty;
  admin::AdminContext ctx{r.ctx.root, faulty, admin::MailboxFormat::maildir};
  faulty.fail_call(9, ENOSPC);  // 4 mkdir, user.tab (open, write, fsync, close): the table's open
  auto full = admin::add_account(ctx, "example.test", "alice", "pw");
  REQUIRE_FALSE(full);
  CHECK(full.error().text.find("No space left") != std::string::npos);
  CHECK(r.read("mailusers.tab").empty());
  CHECK_FALSE(r.exists("domains/example.test/alice"));
}

TEST_CASE("accounts: userpasswd changes field 3 only") {
  Accounts r;
  r.write("mailusers.tab", "\"example.test\"\t\"alice\"\t\"00\"\t3\t\"Dir\"\t\"U\"\t\"x\"\n");
  REQUIRE(admin::set_account_password(r.ctx, "EXAMPLE.test", "alice", "xmail"));
  CHECK(r.read("mailusers.tab") ==
        "\"example.test\"\t\"alice\"\t\"1d08040c09\"\t3\t\"Dir\"\t\"U\"\t\"x\"\n");
  auto none = admin::set_account_password(r.ctx, "example.test", "bob", "x");
  REQUIRE_FALSE(none);
  CHECK(none.error().kind == ErrorKind::not_found);
}

TEST_CASE("accounts: userdel keeps mail, then removes the account's links and aliases") {
  Accounts r;
  REQUIRE(admin::add_account(r.ctx, "example.test", "alice", "pw"));
  REQUIRE(admin::add_account(r.ctx, "example.test", "bob", "pw"));
  REQUIRE(admin::add_alias(r.ctx, "example.test", "al", "alice"));
  REQUIRE(admin::add_alias(r.ctx, "example.test", "bo", "bob"));
  REQUIRE(admin::add_link(r.ctx, {"example.test", "alice", "pop.test", "a"}, "pw", "CLR"));
  REQUIRE(admin::add_link(r.ctx, {"example.test", "bob", "pop.test", "b"}, "pw", "CLR"));
  r.write("extaliases.tab",
          "\"remote.test\"\t\"a\"\t\"example.test\"\t\"alice\"\n"
          "\"remote.test\"\t\"b\"\t\"example.test\"\t\"bob\"\n");
  r.write("domains/example.test/alice/Maildir/new/1.msg", "mail");
  auto kept = admin::remove_account(r.ctx, "example.test", "alice");
  REQUIRE_FALSE(kept);
  CHECK(kept.error().to_string() ==
        r.root +
            "/domains/example.test/alice: the mailbox holds 1 message(s); move them away "
            "first, so no mail is lost");
  std::filesystem::remove(r.root + "/domains/example.test/alice/Maildir/new/1.msg");
  REQUIRE(admin::remove_account(r.ctx, "example.test", "alice"));
  CHECK_FALSE(r.exists("domains/example.test/alice"));
  CHECK(r.read("aliases.tab") == "\"example.test\"\t\"bo\"\t\"bob\"\n");
  CHECK(r.read("extaliases.tab") == "\"remote.test\"\t\"b\"\t\"example.test\"\t\"bob\"\n");
  CHECK(r.read("pop3links.tab").find("\"alice\"") == std::string::npos);
  CHECK(r.read("pop3links.tab").find("\"bob\"") != std::string::npos);
  auto rows = admin::list_accounts(r.ctx, "");
  REQUIRE(rows);
  REQUIRE(rows->size() == 1);
  CHECK(rows->front().name == "bob");
  CHECK(rows->front().id == "2");
}
