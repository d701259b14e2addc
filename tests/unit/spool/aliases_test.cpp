// aliases.tab as XMail's UsrAliasLookupName reads it, and UsrGetUserByNameOrAlias on top:
// exact lines first (case-insensitive, first in file order), then the longest wildcard line,
// an account before an alias, alias targets followed one step without alias domains.
#include "spool/aliases.hpp"

#include <catch2/catch.hpp>

#include "spool/password.hpp"
#include "spool/user_lookup.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;
using namespace psyncd::spool;

namespace {

Aliases make(const std::string& text) {
  return Aliases::from_table(tabfile::parse(text, "aliases.tab"));
}

std::string problems(const Aliases& a) {
  std::string out;
  for (const auto& p : a.problems()) out += p.to_string() + "\n";
  return out;
}

}  // namespace

TEST_CASE("Aliases: exact, then the longest wildcard") {
  Aliases a = make(
      "\"x.org\"\t\"Root\"\t\"joe\"\n"
      "\"x.org\"\t\"root\"\t\"second\"\n"  // duplicate: the first wins
      "\"x.org\"\t\"*\"\t\"catchall\"\n"
      "\"x.org\"\t\"sa*\"\t\"sales\"\n"
      "\"*.org\"\t\"sa*\"\t\"tie-first\"\n"
      "\"x.or?\"\t\"sa*\"\t\"tie-second\"\n"
      "\"x.org\"\t\"two\"\n");
  struct Case {
    const char* domain;
    const char* local;
    const char* want;
  };
  const Case cases[] = {
      {"X.ORG", "ROOT", "joe"},  {"x.org", "anyone", "catchall"},
      {"x.org", "sam", "sales"}, {"y.org", "sam", "tie-first"},
      {"y.net", "sam", ""},      {"x.org", "two", "catchall"},
  };
  for (const auto& c : cases) {
    INFO(c.local << "@" << c.domain);
    CHECK(a.lookup(c.domain, c.local).value_or("") == c.want);
  }
  CHECK(problems(a) ==
        "aliases.tab:2: field 2 (alias): duplicate alias \"root@x.org\" (line ignored; the first "
        "one is used)\n"
        "aliases.tab:7: 2 fields, need at least 3 (line ignored)\n");
}

TEST_CASE("Aliases: a missing file is no aliases") {
  test::TempDir dir;
  auto a = Aliases::load(dir / "aliases.tab");
  REQUIRE(a);
  CHECK(a->size() == 0);
  dir.write("aliases.tab", "\"x.org\"\t\"a\"\t\"b\"\n");
  CHECK(Aliases::load(dir / "aliases.tab")->size() == 1);
}

TEST_CASE("find_user_or_alias: XMail's UsrGetUserByNameOrAlias") {
  std::string pw = encode_password("pw");
  auto line = [&](const char* d, const char* n, int id) {
    return "\"" + std::string(d) + "\"\t\"" + n + "\"\t\"" + pw + "\"\t" + std::to_string(id) +
           "\t\"" + n + "\"\t\"U\"\n";
  };
  MailUsers users = MailUsers::from_table(
      tabfile::parse(line("x.org", "joe", 1) + line("y.org", "ann", 2) + line("x.org", "ann", 3),
                     "mailusers.tab"));
  auto ad = tabfile::parse("\"alias.org\"\t\"y.org\"\n", "aliasdomain.tab");
  Domains domains =
      Domains::from_tables(tabfile::parse("\"x.org\"\n\"y.org\"\n", "domains.tab"), &ad);
  Aliases aliases = make(
      "\"x.org\"\t\"ann\"\t\"joe\"\n"                // the account ann@x.org wins
      "\"y.org\"\t\"boss\"\t\"joe@x.org\"\n"         // another domain
      "\"y.org\"\t\"chain\"\t\"boss\"\n"             // aliases do not chain
      "\"x.org\"\t\"viaad\"\t\"ann@alias.org\"\n");  // no alias domain for the target
  AccountTables t{&domains, &users, &aliases};
  auto who = [&](const char* d, const char* n) {
    const MailUser* u = find_user_or_alias(t, d, n);
    return u == nullptr ? std::string("-") : u->name + "@" + u->domain;
  };
  CHECK(who("x.org", "ann") == "ann@x.org");
  CHECK(who("Y.org", "BOSS") == "joe@x.org");
  CHECK(who("alias.org", "boss") == "joe@x.org");  // alias domain, then the alias
  CHECK(who("alias.org", "ann") == "ann@y.org");
  CHECK(who("y.org", "chain") == "-");
  CHECK(who("x.org", "viaad") == "-");
  CHECK(who("x.org", "nobody") == "-");
}
