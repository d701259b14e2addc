// Strict decimal numbers for everything read from tables, flags, the POP3 wire and file names:
// ASCII digits only, no sign (or one '-' where a signed value is asked for), no spaces, no
// '+', no trailing junk, no overflow. XMail reads numbers with atoi(), which turns "12abc"
// into 12 and "abc" into 0; psyncd refuses them so that a typo is reported, not used.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace psyncd {

struct DecimalRules {
  std::uint64_t max = UINT64_MAX;  // the largest value taken
  bool leading_zeros = true;       // false: "0" but not "07" (POP3 numbers, RFC 1939)
  std::size_t max_digits = 20;     // longer text is refused, even "000...01"
};

enum class DecimalStatus { ok, malformed, too_large };

struct Decimal {
  DecimalStatus status = DecimalStatus::malformed;
  std::uint64_t value = 0;  // when ok
};

// The digits are read left to right: a non-digit before the value passes `max` is malformed,
// a value past `max` is too_large as soon as it gets there ("99999999999x" is too large).
Decimal read_decimal(std::string_view text, const DecimalRules& rules);

std::optional<std::uint64_t> parse_decimal(std::string_view text, const DecimalRules& rules);
inline std::optional<std::uint64_t> parse_decimal(std::string_view text,
                                                  std::uint64_t max = UINT64_MAX) {
  return parse_decimal(text, DecimalRules{max});
}

// One optional leading '-', then digits by `rules` (max bounds the magnitude, and must be at
// most INT64_MAX).
std::optional<std::int64_t> parse_signed_decimal(std::string_view text, const DecimalRules& rules);

}  // namespace psyncd
