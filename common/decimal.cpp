#include "common/decimal.hpp"

namespace psyncd {

Decimal read_decimal(std::string_view text, const DecimalRules& rules) {
  Decimal out;
  if (text.empty() || text.size() > rules.max_digits) return out;
  if (!rules.leading_zeros && text.size() > 1 && text.front() == '0') return out;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return out;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (digit > rules.max || value > (rules.max - digit) / 10) {
      out.status = DecimalStatus::too_large;
      return out;
    }
    value = value * 10 + digit;
  }
  out.status = DecimalStatus::ok;
  out.value = value;
  return out;
}

std::optional<std::uint64_t> parse_decimal(std::string_view text, const DecimalRules& rules) {
  const Decimal d = read_decimal(text, rules);
  if (d.status != DecimalStatus::ok) return std::nullopt;
  return d.value;
}

std::optional<std::int64_t> parse_signed_decimal(std::string_view text, const DecimalRules& rules) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  const auto magnitude = parse_decimal(text, rules);
  if (!magnitude || *magnitude > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  const auto value = static_cast<std::int64_t>(*magnitude);
  return negative ? -value : value;
}

}  // namespace psyncd
