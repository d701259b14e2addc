#include "psync/rewrite_rule.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace psyncd;
using namespace psyncd::psync;

namespace {

// "kind|domain_or_suffix|m1,m2|account" or the error text.
std::string render(const Result<RewriteRule>& r) {
  if (!r.ok()) return "error: " + r.error().to_string();
  const char* kinds[] = {"fixed", "masquerade", "append"};
  std::string s = std::string(kinds[static_cast<int>(r->kind)]) + "|" + r->domain_or_suffix + "|";
  for (std::size_t i = 0; i < r->match_domains.size(); ++i) {
    s += (i ? "," : "") + r->match_domains[i];
  }
  return s + "|" + r->local_account;
}

struct Case {
  const char* name;
  std::string input;
  std::string want;
};

}  // namespace

TEST_CASE("rewrite rule from POP3LINKS.TAB field 0") {
  const std::vector<Case> cases = {
      {"external", "@home.bogus.com", "fixed|home.bogus.com||axmsuser"},
      {"external keeps commas verbatim", "@a.com,b.com", "fixed|a.com,b.com||axmsuser"},
      {"masquerade", "?home.bogus.com,felins.net,pets.org",
       "masquerade|home.bogus.com|felins.net,pets.org|axmsuser"},
      {"append", "&.local,felins.net,pets.org", "append|.local|felins.net,pets.org|axmsuser"},
      {"no match list", "?home.bogus.com", "masquerade|home.bogus.com||axmsuser"},
      {"empty tokens vanish", "&.local,,felins.net,", "append|.local|felins.net|axmsuser"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) { CHECK(render(parse_rewrite_rule(c.input, "axmsuser")) == c.want); }
  }
}

TEST_CASE("rewrite rule: bad input") {
  const std::vector<Case> cases = {
      {"local link", "home.bogus",
       "error: local-domain: \"home.bogus\": not an '@', '?' or '&' link"},
      {"empty", "", "error: local-domain: empty: not an '@', '?' or '&' link"},
      {"nothing after prefix", "?,felins.net",
       "error: local-domain: \"?,felins.net\": nothing after '?'"},
      {"bare at", "@", "error: local-domain: \"@\": nothing after '@'"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) { CHECK(render(parse_rewrite_rule(c.input, "u")) == c.want); }
  }
  SECTION("spaces around match domains are trimmed and reported") {
    std::vector<std::string> warnings;
    auto r = parse_rewrite_rule("?m.org,a.com, b.com", "u", &warnings);
    CHECK(render(r) == "masquerade|m.org|a.com,b.com|u");
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] == "match domain \" b.com\": spaces around it trimmed");
  }
}
