#include "tabfile/fields.hpp"

#include <catch2/catch.hpp>

using namespace psyncd;
using namespace psyncd::tabfile;

TEST_CASE("parse_number: strict decimal") {
  struct Case {
    const char* name;
    std::string input;
    bool negative_ok;
    std::optional<long long> want;
  };
  const Case cases[] = {
      {"zero", "0", false, 0},
      {"plain", "1234", false, 1234},
      {"leading zeros", "007", false, 7},
      {"18 digits", "999999999999999999", false, 999999999999999999LL},
      {"negative allowed", "-5", true, -5},
      {"negative refused", "-5", false, std::nullopt},
      {"lone minus", "-", true, std::nullopt},
      {"plus", "+5", true, std::nullopt},
      {"empty", "", false, std::nullopt},
      {"space before", " 5", false, std::nullopt},
      {"space after", "5 ", false, std::nullopt},
      {"trailing letters (atoi would give 12)", "12abc", false, std::nullopt},
      {"19 digits", "1000000000000000000", false, std::nullopt},
      {"hex", "0x10", false, std::nullopt},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(parse_number(c.input, c.negative_ok) == c.want);
  }
}

TEST_CASE("check_field_count and record_problem: exact texts") {
  Table t = parse("\"a\"\n\"a\"\t\"b\"\t\"c\"\n\t\n", "u.tab");
  REQUIRE(t.records.size() == 3);
  CHECK(check_field_count(t, t.records[0], 2)->to_string() ==
        "u.tab:1: 1 field, need at least 2 (line ignored)");
  CHECK(check_field_count(t, t.records[1], 2, 2)->to_string() ==
        "u.tab:2: 3 fields, need exactly 2 (line ignored)");
  CHECK(check_field_count(t, t.records[1], 1, 2)->to_string() ==
        "u.tab:2: 3 fields, need at most 2 (line ignored)");
  CHECK(check_field_count(t, t.records[2], 6)->to_string() ==
        "u.tab:3: 0 fields, need at least 6 (line ignored)");
  CHECK_FALSE(check_field_count(t, t.records[1], 3).has_value());
  Error e = record_problem(t, t.records[1], 6, "authtype", "unknown token \"Levae\" (ignored)");
  CHECK(e.kind == ErrorKind::config);
  CHECK(e.to_string() == "u.tab:2: field 6 (authtype): unknown token \"Levae\" (ignored)");
  CHECK(record_problem(t, t.records[0], 2, "", "x").to_string() == "u.tab:1: field 2: x");
}

TEST_CASE("check_field_count: a line typed with spaces for TABs gets a hint") {
  Table t = parse("a b\na b\tc\nab\n", "u.tab");
  REQUIRE(t.records.size() == 3);
  CHECK(check_field_count(t, t.records[0], 2)->to_string() ==
        "u.tab:1: 1 field, need at least 2 (line ignored): fields are TAB-separated; this line "
        "has spaces");
  CHECK(check_field_count(t, t.records[1], 3)->text ==
        "2 fields, need at least 3 (line ignored): fields are TAB-separated; this line has "
        "spaces");
  // No space, no hint; too many fields are not about spaces.
  CHECK(check_field_count(t, t.records[2], 2)->text == "1 field, need at least 2 (line ignored)");
  CHECK(check_field_count(t, t.records[1], 1, 1)->text ==
        "2 fields, need exactly 1 (line ignored)");
}
