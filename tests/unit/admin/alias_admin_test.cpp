#include "admin/alias_admin.hpp"

#include "admin/account_admin.hpp"
#include "admin/domain_admin.hpp"
#include "tests/support/admin/admin_root.hpp"

using namespace psyncd;

TEST_CASE("aliases: add, list, remove; the account must exist and not be the alias") {
  test::AdminRoot r;
  REQUIRE(admin::add_domain(r.ctx, "example.test"));
  REQUIRE(admin::add_domain(r.ctx, "other.test"));
  REQUIRE(admin::add_account(r.ctx, "example.test", "alice", "pw"));
  REQUIRE(admin::add_alias(r.ctx, "example.test", "postmaster", "alice"));
  REQUIRE(admin::add_alias(r.ctx, "other.test", "a*", "alice@example.test"));
  CHECK(r.read("aliases.tab") ==
        "\"example.test\"\t\"postmaster\"\t\"alice\"\n\"other.test\"\t\"a*\"\t\"alice@example."
        "test\"\n");
  auto rows = admin::list_aliases(r.ctx, "other.test");
  REQUIRE(rows);
  CHECK(*rows ==
        std::vector<std::array<std::string, 3>>{{"other.test", "a*", "alice@example.test"}});

  auto twice = admin::add_alias(r.ctx, "example.test", "PostMaster", "alice");
  REQUIRE_FALSE(twice);
  CHECK(twice.error().to_string() ==
        r.root + "/aliases.tab:1: alias: \"PostMaster@example.test\" exists already");
  auto no_account = admin::add_alias(r.ctx, "example.test", "x", "bob");
  REQUIRE_FALSE(no_account);
  CHECK(no_account.error().text ==
        "no account \"bob@example.test\" (aliases name accounts, not other aliases)");
  auto shadowed = admin::add_alias(r.ctx, "example.test", "alice", "alice");
  REQUIRE_FALSE(shadowed);
  CHECK(shadowed.error().field == "alias");
  CHECK_FALSE(admin::add_alias(r.ctx, "nowhere.test", "x", "alice"));
  CHECK_FALSE(admin::add_alias(r.ctx, "example.test", "a b", "alice"));

  REQUIRE(admin::remove_alias(r.ctx, "EXAMPLE.TEST", "postmaster"));
  CHECK(r.read("aliases.tab") == "\"other.test\"\t\"a*\"\t\"alice@example.test\"\n");
  auto gone = admin::remove_alias(r.ctx, "example.test", "postmaster");
  REQUIRE_FALSE(gone);
  CHECK(gone.error().kind == ErrorKind::not_found);
}
