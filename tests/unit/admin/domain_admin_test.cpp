#include "admin/domain_admin.hpp"

#include "admin/account_admin.hpp"
#include "admin/link_admin.hpp"
#include "admin/xmail_index.hpp"
#include "tests/support/admin/admin_root.hpp"

using namespace psyncd;

TEST_CASE("domains: add, list, remove as XMail's domainadd / domaindel") {
  test::AdminRoot r;
  auto added = admin::add_domain(r.ctx, "Example.TEST");
  REQUIRE(added);
  CHECK(r.read("domains.tab") == "\"example.test\"\n");  // lowercased, as domainadd does
  CHECK(r.exists("domains/example.test"));
  CHECK(r.exists("cmdaliases/example.test"));
  REQUIRE(admin::add_domain(r.ctx, "other.test"));
  CHECK(*admin::list_domains(r.ctx) == std::vector<std::string>{"example.test", "other.test"});

  auto twice = admin::add_domain(r.ctx, "EXAMPLE.test");
  REQUIRE_FALSE(twice);
  CHECK(twice.error().to_string() ==
        r.root + "/domains.tab:1: domain: \"example.test\" is already a local domain");

  REQUIRE(admin::remove_domain(r.ctx, "example.test"));
  CHECK(r.read("domains.tab") == "\"other.test\"\n");
  CHECK_FALSE(r.exists("domains/example.test"));
  CHECK_FALSE(r.exists("cmdaliases/example.test"));
  auto gone = admin::remove_domain(r.ctx, "example.test");
  REQUIRE_FALSE(gone);
  CHECK(gone.error().kind == ErrorKind::not_found);
}

TEST_CASE("domains: remove refuses while accounts or links use the domain") {
  test::AdminRoot r;
  REQUIRE(admin::add_domain(r.ctx, "example.test"));
  REQUIRE(admin::add_account(r.ctx, "example.test", "alice", "pw"));
  auto busy = admin::remove_domain(r.ctx, "example.test");
  REQUIRE_FALSE(busy);
  CHECK(busy.error().to_string() ==
        r.root +
            "/mailusers.tab:1: domain: \"example.test\" still has 1 account(s); remove them "
            "first (psyncctl userdel), so no mail is lost");
  REQUIRE(admin::add_link(r.ctx, {"@example.test", "bob", "pop.test", "bob"}, "pw", "CLR"));
  REQUIRE(admin::remove_account(r.ctx, "example.test", "alice"));
  auto linked = admin::remove_domain(r.ctx, "example.test");
  REQUIRE_FALSE(linked);
  CHECK(linked.error().field == "field 1 (local-domain)");
  CHECK(linked.error().line == 2);
  CHECK(r.read("domains.tab") == "\"example.test\"\n");
}

TEST_CASE("domains: bad names and missing tables") {
  test::AdminRoot r;
  for (const char* bad : {"", "a..b", "a b", "a/b", ".a", "x_y.test"}) {
    auto e = admin::add_domain(r.ctx, bad);
    REQUIRE_FALSE(e);
    CHECK(e.error().kind == ErrorKind::usage);
  }
  CHECK(r.read("domains.tab").empty());
  std::filesystem::remove(r.root + "/domains.tab");
  auto missing = admin::add_domain(r.ctx, "example.test");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().to_string() ==
        r.root +
            "/domains.tab: the table is missing; make the tree with: psyncctl -Ms "
            "MAIL_ROOT mkroot");
}

TEST_CASE("domains: a change to a table XMail indexed rebuilds XMail's index") {
  test::AdminRoot r;
  auto quiet = admin::add_domain(r.ctx, "a.test");
  REQUIRE(quiet);
  for (const auto& n : *quiet) CHECK(n.find("index") == std::string::npos);
  CHECK_FALSE(r.exists("tabindex/domains-00.hdx"));  // none made where XMail made none
  r.write("tabindex/domains-00.hdx", "stale");
  auto noted = admin::add_domain(r.ctx, "b.test");
  REQUIRE(noted);
  CHECK(noted->back() == "rebuilt XMail's index " + r.root +
                             "/tabindex/domains-00.hdx (a running XMail sees the change)");
  CHECK(r.read("tabindex/domains-00.hdx") ==
        admin::xmail_index_bytes(r.read("domains.tab"), *admin::xmail_index_kind("domains.tab")));
}
