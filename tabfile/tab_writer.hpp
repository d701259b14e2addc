// Writer for XMail tab files: each field written as XMail writes it ("value" with every '"'
// escaped as \", or bare for numeric fields), TAB-separated, LF-terminated, and the whole file
// replaced atomically (temp + fsync + rename + fsync dir) through the file-system seam.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/fs.hpp"
#include "common/result.hpp"

namespace psyncd::tabfile {

struct OutField {
  std::string value;
  bool quoted = true;  // false for numeric fields such as the account id in mailusers.tab
};

// "\"" + value with '"' -> '\"' + "\"". Backslashes are not escaped (XMail cannot escape them).
std::string quote(std::string_view value);

// One line with its LF.
std::string format_line(const std::vector<OutField>& fields);
std::string format_line(const std::vector<std::string>& quoted_fields);

// A line of the output file: either a record or a verbatim line (comments are kept).
struct OutLine {
  std::vector<OutField> fields;
  std::string verbatim;  // used when fields is empty (without its LF)
};

Result<void> write_table(fs::FileSystem& fs, const std::string& path,
                         const std::vector<OutLine>& lines);

// False when the value cannot survive a write and re-read (ends in '\', contains TAB, CR, LF,
// or '\"'), so callers can refuse it with a clear error instead of corrupting the file.
bool round_trips(std::string_view value);

}  // namespace psyncd::tabfile
