#include "spool/mail_users.hpp"

#include <catch2/catch.hpp>

#include "spool/domains.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;
using namespace psyncd::spool;

namespace {

MailUsers make(const std::string& text) {
  return MailUsers::from_table(tabfile::parse(text, "mailusers.tab"));
}

std::string render_problems(const MailUsers& u) {
  std::string out;
  for (const auto& p : u.problems()) out += p.to_string() + "\n";
  return out;
}

}  // namespace

TEST_CASE("MailUsers: the shipped sample line") {
  MailUsers u =
      make("\"xmailserver.test\"\t\"xmailuser\"\t\"1d08040c09\"\t1\t\"xmailuser\"\t\"U\"\n");
  CHECK(u.problems().empty());
  REQUIRE(u.users().size() == 1);
  const MailUser& m = u.users()[0];
  CHECK(m.domain == "xmailserver.test");
  CHECK(m.name == "xmailuser");
  CHECK(m.password == "xmail");
  CHECK(m.id == 1);
  CHECK(m.dir == "xmailuser");
  CHECK(m.type == AccountType::user);
  CHECK(m.line == 1);
}

TEST_CASE("MailUsers: fields read as XMail reads them") {
  MailUsers u = make(
      "# comment\n"
      "\"ex.test\"\t\"Alice\"\t\"04\"\t\"7\"\t\"AliceDir\"\t\"user\"\textra\tfields\n"
      "\"ex.test\"\t\"list\"\t\"\"\t8\t\"list\"\t\"m\"\n"
      "\"ex.test\"\t\"bob\"\t\"070a07\"\t4294967295\t\"bob\"\t\"U\"\n");
  CHECK(u.problems().empty());
  REQUIRE(u.users().size() == 3);
  CHECK(u.users()[0].password == "a");
  CHECK(u.users()[0].id == 7);  // quoted id is accepted too
  CHECK(u.users()[0].dir == "AliceDir");
  CHECK(u.users()[1].type == AccountType::mailing_list);
  CHECK(u.users()[1].password.empty());
  CHECK(u.users()[2].password == "bob");
  CHECK(u.users()[2].id == 4294967295u);
}

TEST_CASE("MailUsers: bad input, exact messages, good lines kept") {
  MailUsers u = make(
      "\"ex.test\"\t\"a\"\t\"04\"\t1\t\"a\"\n"                  // 1: 5 fields
      "\"ex.test\"\t\"b\"\t\"040\"\t2\t\"b\"\t\"U\"\n"          // 2: odd password
      "\"ex.test\"\t\"c\"\t\"zz\"\t3\t\"c\"\t\"U\"\n"           // 3: non-hex password
      "\"ex.test\"\t\"d\"\t\"04\"\t4x\t\"d\"\t\"U\"\n"          // 4: bad id
      "\"ex.test\"\t\"e\"\t\"04\"\t0\t\"e\"\t\"U\"\n"           // 5: id 0
      "\"ex.test\"\t\"f\"\t\"04\"\t6\t\"..\"\t\"U\"\n"          // 6: unsafe dir
      "\"ex.test\"\t\"g\"\t\"04\"\t7\t\"g\"\t\"X\"\n"           // 7: bad type
      "\"ex.test\"\t\"ok\"\t\"04\"\t8\t\"ok\"\t\"U\"\n"         // 8: good
      "\"EX.TEST\"\t\"OK\"\t\"04\"\t9\t\"ok2\"\t\"U\"\n"        // 9: duplicate account
      "\"ex.test\"\t\"h\"\t\"04\"\t8\t\"h\"\t\"U\"\n"           // 10: duplicate id
      "\"a/b\"\t\"i\"\t\"04\"\t11\t\"i\"\t\"U\"\n"              // 11: unsafe domain
      "\"ex.test\"\t\"j\"\t\"04\"\t-1\t\"j\"\t\"U\"\n"          // 12: negative id
      "\"ex.test\"\t\"k\"\t\"04\"\t4294967296\t\"k\"\t\"U\"\n"  // 13: id too large
  );
  CHECK(render_problems(u) ==
        "mailusers.tab:1: 5 fields, need at least 6 (line ignored)\n"
        "mailusers.tab:2: field 3 (password): odd number of hex digits (3); a plain password? "
        "encode it with xmcrypt (line ignored)\n"
        "mailusers.tab:3: field 3 (password): bad hex pair at offset 0; a plain password? "
        "encode it with xmcrypt (line ignored)\n"
        "mailusers.tab:4: field 4 (account-id): \"4x\" is not a number (line ignored)\n"
        "mailusers.tab:5: field 4 (account-id): 0 is reserved (line ignored)\n"
        "mailusers.tab:6: field 5 (account-dir): \"..\" is not a usable directory name "
        "(line ignored)\n"
        "mailusers.tab:7: field 6 (account-type): \"X\" is neither U nor M (line ignored)\n"
        "mailusers.tab:9: field 2 (account): duplicate account, first defined at line 8 "
        "(line ignored)\n"
        "mailusers.tab:10: field 4 (account-id): id 8 already used at line 8 (line ignored)\n"
        "mailusers.tab:11: field 1 (domain): not a usable domain name (line ignored)\n"
        "mailusers.tab:12: field 4 (account-id): \"-1\" is not a number (line ignored)\n"
        "mailusers.tab:13: field 4 (account-id): \"4294967296\" is not a number (line ignored)\n");
  REQUIRE(u.users().size() == 1);
  CHECK(u.users()[0].name == "ok");
  for (const auto& p : u.problems()) CHECK(p.kind == ErrorKind::config);
}

TEST_CASE("MailUsers::find: case-insensitive, through alias domains") {
  MailUsers u = make(
      "\"Example.Test\"\t\"Alice\"\t\"04\"\t1\t\"alice\"\t\"U\"\n"
      "\"other.test\"\t\"bob\"\t\"04\"\t2\t\"bob\"\t\"U\"\n");
  tabfile::Table dt = tabfile::parse("\"example.test\"\n\"other.test\"\n", "domains.tab");
  tabfile::Table at = tabfile::parse(
      "\"alias.test\"\t\"example.test\"\n\"*.other.test\"\t\"other.test\"\n", "aliasdomain.tab");
  Domains d = Domains::from_tables(dt, &at);
  struct Case {
    const char* name;
    const char* domain;
    const char* user;
    bool with_aliases;
    const char* want;  // account name, or nullptr
  };
  const Case cases[] = {
      {"exact", "Example.Test", "Alice", false, "Alice"},
      {"case-insensitive", "EXAMPLE.TEST", "alice", false, "Alice"},
      {"unknown user", "example.test", "carol", false, nullptr},
      {"alias needs domains", "alias.test", "alice", false, nullptr},
      {"alias", "ALIAS.test", "ALICE", true, "Alice"},
      {"wildcard alias", "pop.other.test", "bob", true, "bob"},
      {"alias of wrong user", "alias.test", "bob", true, nullptr},
      {"unknown domain", "nowhere.test", "alice", true, nullptr},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    const MailUser* m = c.with_aliases ? u.find(c.domain, c.user, d) : u.find(c.domain, c.user);
    if (c.want == nullptr) {
      CHECK(m == nullptr);
    } else {
      REQUIRE(m != nullptr);
      CHECK(m->name == c.want);
    }
  }
}

TEST_CASE("MailUsers::load reads a file, fails when it cannot") {
  test::TempDir dir;
  dir.write("mailusers.tab", "\"ex.test\"\t\"a\"\t\"1d08040c09\"\t1\t\"a\"\t\"U\"\r\n");
  auto u = MailUsers::load(dir / "mailusers.tab");
  REQUIRE(u.ok());
  REQUIRE(u->find("ex.test", "a") != nullptr);
  CHECK(u->find("ex.test", "a")->password == "xmail");
  auto missing = MailUsers::load(dir / "nope.tab");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::not_found);
}
