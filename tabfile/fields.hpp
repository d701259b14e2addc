// Helpers shared by the per-table readers (mailusers.tab, server.tab, user.tab, ...): field-count
// checks and problem texts that name file, line and field, and strict decimal numbers. ASCII
// case folding for XMail's case-insensitive keys is common/ascii.hpp. They know nothing of
// what a table means.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "tabfile/tab_reader.hpp"

namespace psyncd::tabfile {

// Read options for a table XMail reads through a `buffer`-byte fgets buffer: the longest line
// that fits with its LF and the terminating NUL. Longer lines XMail would split in two.
constexpr ReadOptions xmail_buffer(size_t buffer) { return ReadOptions{buffer - 2}; }

// Error{config, table.path, record.line, field, text}; field is "" or "field N (name)" with
// N 1-based, e.g. record_problem(t, r, 6, "authtype", "unknown token \"Levae\" (ignored)").
Error record_problem(const Table& table, const Record& record, int field_number,
                     std::string_view field_name, std::string text);

// A problem when the record has fewer than `min` or more than `max` fields:
// "1 field, need at least 2 (line ignored)", "3 fields, need exactly 2 (line ignored)", with
// space_hint() after it when too few.
std::optional<Error> check_field_count(const Table& table, const Record& record, size_t min,
                                       size_t max = static_cast<size_t>(-1));

// ": fields are TAB-separated; this line has spaces" when a field of the record has a space
// (a line typed with spaces for TABs is one field), else "".
std::string space_hint(const Record& record);

// A table field's number: common/decimal.hpp's strict decimal with at most 18 digits, and one
// leading '-' when allow_negative. Stricter than XMail's atoi(), which turns "12abc" into 12
// and "abc" into 0: a typo must not become a silent value.
std::optional<long long> parse_number(std::string_view text, bool allow_negative = false);

}  // namespace psyncd::tabfile
