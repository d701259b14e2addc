#include "spool/domains.hpp"

#include <catch2/catch.hpp>

#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;
using namespace psyncd::spool;

namespace {

Domains make(const std::string& domains, const std::string& aliases) {
  tabfile::Table d = tabfile::parse(domains, "domains.tab");
  tabfile::Table a = tabfile::parse(aliases, "aliasdomain.tab");
  return Domains::from_tables(d, &a);
}

std::string render_problems(const Domains& d) {
  std::string out;
  for (const auto& p : d.problems()) out += p.to_string() + "\n";
  return out;
}

}  // namespace

TEST_CASE("wildcard_match") {
  struct Case {
    const char* pattern;
    const char* text;
    bool want;
  };
  const Case cases[] = {
      {"*.example.test", "a.example.test", true},
      {"*.example.test", "a.b.example.test", true},
      {"*.example.test", "example.test", false},
      {"*", "", true},
      {"", "", true},
      {"", "a", false},
      {"?", "a", true},
      {"?", "", false},
      {"a?c", "ABC", true},
      {"a*b*c", "aXbYbZc", true},
      {"a*b*c", "aXbYbZ", false},
      {"**a", "a", true},
      {"Ex*.TEST", "example.test", true},
      // XMail's StrWildMatch sets and escapes.
      {"[abc]x", "bx", true},
      {"[abc]x", "dx", false},
      {"[a-c]x", "Bx", true},
      {"[^a-c]x", "dx", true},
      {"[^a-c]x", "ax", false},
      {"[a-cx-z]1", "y1", true},
      {"*[0-9]", "box7", true},
      {"*[0-9]", "box", false},
      {"a\\*b", "a*b", true},
      {"a\\*b", "axb", false},
      {"[abc", "a", false},  // no ']': matches nothing, as in XMail
      {"[]a", "a", false},
      {"*[]", "a", false},
  };
  for (const auto& c : cases) {
    INFO(c.pattern << " ~ " << c.text);
    CHECK(wildcard_match(c.pattern, c.text) == c.want);
  }
}

TEST_CASE("Domains: is_local and resolve") {
  Domains d = make("\"Example.TEST\"\n\"other.test\"\n",
                   "\"alias.test\"\t\"example.test\"\n"
                   "\"*.wild.test\"\t\"other.test\"\n"
                   "\"exact.wild.test\"\t\"example.test\"\n"
                   "\"dangling.test\"\t\"nowhere.test\"\n");
  struct Case {
    const char* name;
    const char* domain;
    bool local;
    std::optional<std::string> real;
  };
  const Case cases[] = {
      {"listed, case-insensitive", "EXAMPLE.test", true, "example.test"},
      {"second listed", "other.test", true, "other.test"},
      {"exact alias", "Alias.Test", true, "example.test"},
      {"wildcard alias", "a.wild.test", true, "other.test"},
      {"exact alias beats an earlier wildcard", "exact.wild.test", true, "example.test"},
      {"wildcard needs its dot", "wild.test", false, std::nullopt},
      {"alias to a non-local domain resolves but is not local", "dangling.test", false,
       "nowhere.test"},
      {"unknown", "elsewhere.test", false, std::nullopt},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(d.is_local(c.domain) == c.local);
    CHECK(d.resolve(c.domain) == c.real);
  }
  CHECK(d.local_domains() == std::vector<std::string>{"example.test", "other.test"});
}

TEST_CASE("Domains: bad input, exact messages") {
  Domains d = make("\"a.test\"\n\"A.TEST\"\n\"..\"\n\"x/y\"\n\"b.test\"\t\"extra ignored\"\n",
                   "\"only-one-field\"\n\"c.test\"\t\"missing.test\"\n");
  CHECK(render_problems(d) ==
        "domains.tab:2: field 1 (domain): duplicate domain \"A.TEST\"\n"
        "domains.tab:3: field 1 (domain): \"..\" is not a usable domain name (line ignored)\n"
        "domains.tab:4: field 1 (domain): \"x/y\" is not a usable domain name (line ignored)\n"
        "aliasdomain.tab:1: 1 field, need at least 2 (line ignored)\n"
        "aliasdomain.tab:2: field 2 (real-domain): \"missing.test\" is not in domains.tab "
        "(alias not local)\n");
  CHECK(d.local_domains() == std::vector<std::string>{"a.test", "b.test"});
}

TEST_CASE("Domains::load: aliasdomain.tab may be missing, domains.tab may not") {
  test::TempDir dir;
  dir.write("domains.tab", "\"example.test\"\r\n");
  auto d = Domains::load(dir / "domains.tab", dir / "aliasdomain.tab");
  REQUIRE(d.ok());
  CHECK(d->is_local("example.test"));
  CHECK_FALSE(d->is_local("alias.test"));
  dir.write("aliasdomain.tab", "\"alias.test\"\t\"example.test\"\n");
  d = Domains::load(dir / "domains.tab", dir / "aliasdomain.tab");
  REQUIRE(d.ok());
  CHECK(d->is_local("alias.test"));
  auto missing = Domains::load(dir / "nope.tab", dir / "aliasdomain.tab");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::not_found);
}

TEST_CASE("Domains::load: domains.tab lines over XMail's 512-byte buffer are refused") {
  test::TempDir dir;
  dir.write("domains.tab", "\"" + std::string(600, 'a') + "\"\n\"ok.test\"\n");
  auto d = Domains::load(dir / "domains.tab", dir / "aliasdomain.tab");
  REQUIRE(d.ok());
  CHECK(d->local_domains() == std::vector<std::string>{"ok.test"});
  REQUIRE(d->problems().size() == 1);
  CHECK(d->problems()[0].text == "line is 602 bytes, longer than the 510-byte limit (skipped)");
}
