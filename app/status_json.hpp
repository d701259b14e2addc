// psyncd --status --json: the status of every link as one JSON document, for scripts and
// monitoring (schema in docs/admin-guide.md "--status --json"). Same data as the text lines
// (app/link_status.hpp), numbers as numbers, times as Unix seconds, the typed outcome as its
// word. Strings are escaped per RFC 8259 (control bytes as \u00XX); bytes of 0x80 and above
// pass as they are (status texts are UTF-8 or ASCII).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/link_status.hpp"

namespace psyncd::app {

inline constexpr int kStatusJsonVersion = 1;

// `text` as a JSON string literal, quotes included.
std::string json_string(std::string_view text);

std::string format_status_json(const std::vector<LinkStatus>& entries, int64_t now);

}  // namespace psyncd::app
