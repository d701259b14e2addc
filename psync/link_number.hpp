// Strict decimal parsing for tab fields and command-line values: digits only, no sign, no
// spaces, no overflow. XMail uses atoi(), which turns "12x" into 12 and "x" into 0; psyncd
// refuses such values so a typo is reported instead of silently becoming 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace psyncd::psync {

// The value of `text` when it is 1..20 ASCII digits and <= max; nullopt otherwise.
std::optional<uint64_t> parse_decimal(std::string_view text, uint64_t max);

}  // namespace psyncd::psync
