// common/decimal.hpp: strict decimal numbers: sign, empty text, trailing junk, leading zeros,
// digit caps and overflow, table-driven.
#include "common/decimal.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace psyncd;

TEST_CASE("parse_decimal: digits only, no sign, no spaces, no overflow", "[decimal]") {
  struct Case {
    const char* name;
    std::string input;
    std::uint64_t max;
    std::optional<std::uint64_t> want;
  };
  const std::vector<Case> cases = {
      {"zero", "0", 10, 0},
      {"at max", "10", 10, 10},
      {"leading zeros", "007", 10, 7},
      {"uint64 max", "18446744073709551615", UINT64_MAX, UINT64_MAX},
      {"empty", "", 10, std::nullopt},
      {"over max", "11", 10, std::nullopt},
      {"minus", "-1", 10, std::nullopt},
      {"plus", "+1", 10, std::nullopt},
      {"leading space", " 1", 10, std::nullopt},
      {"trailing space", "1 ", 10, std::nullopt},
      {"trailing junk (atoi would give 1)", "1x", 10, std::nullopt},
      {"hex", "0x1", 10, std::nullopt},
      {"uint64 overflow", "18446744073709551616", UINT64_MAX, std::nullopt},
      {"21 digits, even as zeros", "000000000000000000001", UINT64_MAX, std::nullopt},
      {"max 0", "1", 0, std::nullopt},
      {"max 0, zero", "0", 0, 0},
      {"non-ASCII digit", "\xd9\xa1", 10, std::nullopt},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(parse_decimal(c.input, c.max) == c.want);
  }
}

TEST_CASE("read_decimal tells malformed from too large", "[decimal]") {
  struct Case {
    std::string input;
    DecimalRules rules;
    DecimalStatus want;
    std::uint64_t value;
  };
  const DecimalRules pop3{0x7fffffffu, false, std::string::npos};  // POP3 message numbers
  const std::vector<Case> cases = {
      {"2147483647", pop3, DecimalStatus::ok, 2147483647u},
      {"0", pop3, DecimalStatus::ok, 0},
      {"01", pop3, DecimalStatus::malformed, 0},
      {"2147483648", pop3, DecimalStatus::too_large, 0},
      {"99999999999999999999999", pop3, DecimalStatus::too_large, 0},
      {"9999999999x", pop3, DecimalStatus::too_large, 0},  // too large before the junk
      {"99x", pop3, DecimalStatus::malformed, 0},
      {"", pop3, DecimalStatus::malformed, 0},
      {"123", DecimalRules{UINT64_MAX, true, 2}, DecimalStatus::malformed, 0},
  };
  for (const auto& c : cases) {
    INFO(c.input);
    const Decimal got = read_decimal(c.input, c.rules);
    CHECK(got.status == c.want);
    if (c.want == DecimalStatus::ok) CHECK(got.value == c.value);
  }
}

TEST_CASE("parse_signed_decimal: one leading minus", "[decimal]") {
  const DecimalRules rules;
  CHECK(parse_signed_decimal("-5", rules) == -5);
  CHECK(parse_signed_decimal("5", rules) == 5);
  CHECK(parse_signed_decimal("-0", rules) == 0);
  CHECK(parse_signed_decimal("9223372036854775807", rules) == INT64_MAX);
  CHECK_FALSE(parse_signed_decimal("9223372036854775808", rules).has_value());
  CHECK_FALSE(parse_signed_decimal("-", rules).has_value());
  CHECK_FALSE(parse_signed_decimal("--5", rules).has_value());
  CHECK_FALSE(parse_signed_decimal("+5", rules).has_value());
  CHECK_FALSE(parse_signed_decimal("- 5", rules).has_value());
  CHECK_FALSE(parse_signed_decimal("5-", rules).has_value());
  CHECK_FALSE(parse_signed_decimal("", rules).has_value());
}
