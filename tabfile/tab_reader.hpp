// Reader for XMail tab files (*.tab): TAB-separated fields, consecutive TABs collapse, each
// field dequoted on its own ("\"" is the only escape, text after the closing quote dropped),
// '#' in column 1 starts a comment, LF / CRLF / CR-CR-LF endings, blank lines skipped.
// It reports line numbers and never splits an over-long line silently.
// It knows nothing of what the fields mean: per-table readers check field counts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::tabfile {

struct Record {
  int line = 0;                     // 1-based line number in the file
  std::vector<std::string> fields;  // dequoted
};

struct Table {
  std::string path;             // as given (used in diagnostics)
  std::vector<Record> records;  // data lines, in file order
  std::vector<Error> problems;  // lines that could not be read as XMail reads them
};

struct ReadOptions {
  // XMail reads each table through a fixed buffer (2048 bytes for pop3links.tab, 512 for
  // domains.tab, ...). A longer line is reported as a problem and skipped instead of being
  // split into two records as XMail would. 0 = no limit.
  size_t max_line_bytes = 0;
};

// Splits one line (without its line ending) into raw fields: TAB-separated, empty fields
// (from consecutive, leading or trailing TABs) dropped, as strtok_r does.
std::vector<std::string_view> split_fields(std::string_view line);

// XMail's per-field dequoting.
std::string dequote(std::string_view field);

// Parses a whole table held in memory. `path` is used in diagnostics only.
Table parse(std::string_view text, const std::string& path, const ReadOptions& options = {});

// Reads and parses a file. Fails only when the file cannot be read at all.
Result<Table> read_table(const std::string& path, const ReadOptions& options = {});

}  // namespace psyncd::tabfile
