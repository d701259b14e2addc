#include "tabfile/tab_reader.hpp"

#include <string>

#include "common/fs.hpp"

namespace psyncd::tabfile {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

Error problem(const std::string& path, int line, std::string field, std::string text) {
  return Error{ErrorKind::config, path, line, std::move(field), std::move(text)};
}

// XMail strips every trailing CR and LF after fgets, so LF, CRLF and CR-CR-LF all end a line.
std::string_view strip_line_end(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  return line;
}

// Checks one physical line; returns false (with a problem recorded) when it must be skipped.
bool line_is_readable(std::string_view line, int number, const ReadOptions& options, Table& table) {
  if (options.max_line_bytes > 0 && line.size() > options.max_line_bytes) {
    // XMail would split it into two records; we refuse it whole.
    table.problems.push_back(
        problem(table.path, number, {},
                "line is " + std::to_string(line.size()) + " bytes, longer than the " +
                    std::to_string(options.max_line_bytes) + "-byte limit (skipped)"));
    return false;
  }
  if (line.find('\0') != std::string_view::npos) {
    // XMail reads C strings and would silently cut the line at the NUL.
    table.problems.push_back(problem(table.path, number, {}, "line contains a NUL byte (skipped)"));
    return false;
  }
  return true;
}

void parse_line(std::string_view raw, int number, const ReadOptions& options, Table& table) {
  std::string_view line = strip_line_end(raw);
  if (line.empty()) return;  // blank line
  if (!line_is_readable(line, number, options, table)) return;
  if (line.front() == '#') return;  // comment: '#' in column 1 only
  if (number == 1 && line.substr(0, kBom.size()) == kBom) {
    // Kept, as XMail keeps it: field 1 of this line then does not start with '"'.
    table.problems.push_back(
        problem(table.path, number, "field 1",
                "starts with a UTF-8 byte-order mark; XMail keeps it in the value (warning)"));
  }
  Record record;
  record.line = number;
  for (std::string_view field : split_fields(line)) record.fields.push_back(dequote(field));
  // A line of only TABs has no fields; it is kept so table readers report the field count.
  table.records.push_back(std::move(record));
}

}  // namespace

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t pos = 0;
  while (pos < line.size()) {
    size_t tab = line.find('\t', pos);
    if (tab == std::string_view::npos) tab = line.size();
    if (tab > pos) fields.push_back(line.substr(pos, tab - pos));
    pos = tab + 1;
  }
  return fields;
}

std::string dequote(std::string_view field) {
  if (field.empty() || field.front() != '"') return std::string(field);
  size_t close = field.find('"', 1);
  if (field.find('\\', 1) > close) {
    // Fast path, the common case: no backslash before the closing quote.
    return std::string(field.substr(1, close == std::string_view::npos ? close : close - 1));
  }
  std::string out;
  out.reserve(field.size());
  for (size_t i = 1; i < field.size(); ++i) {
    char c = field[i];
    if (c == '\\' && i + 1 < field.size() && field[i + 1] == '"') {
      out += '"';
      ++i;
    } else if (c == '"') {
      break;  // closing quote: anything after it is dropped
    } else {
      out += c;
    }
  }
  return out;  // an unterminated quote keeps what was read
}

Table parse(std::string_view text, const std::string& path, const ReadOptions& options) {
  Table table;
  table.path = path;
  int number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    parse_line(text.substr(pos, end - pos), ++number, options, table);
    pos = end;
  }
  return table;
}

Result<Table> read_table(const std::string& path, const ReadOptions& options) {
  auto text = fs::read_file(path);
  if (!text) return text.error();
  return parse(*text, path, options);
}

}  // namespace psyncd::tabfile
