#include "tabfile/tab_writer.hpp"

#include "tabfile/tab_reader.hpp"

namespace psyncd::tabfile {

std::string quote(std::string_view value) {
  std::string out;
  out.reserve(value.size() + 2);
  out += '"';
  for (char c : value) {
    if (c == '"') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

std::string format_line(const std::vector<OutField>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += '\t';
    out += fields[i].quoted ? quote(fields[i].value) : fields[i].value;
  }
  out += '\n';
  return out;
}

std::string format_line(const std::vector<std::string>& quoted_fields) {
  std::vector<OutField> fields;
  fields.reserve(quoted_fields.size());
  for (const auto& value : quoted_fields) fields.push_back(OutField{value, true});
  return format_line(fields);
}

Result<void> write_table(fs::FileSystem& fs, const std::string& path,
                         const std::vector<OutLine>& lines) {
  std::string text;
  for (const auto& line : lines) {
    if (line.fields.empty()) {
      text += line.verbatim;
      text += '\n';
    } else {
      text += format_line(line.fields);
    }
  }
  // Departs from XMail, which copies a temp file over the table: a crash there leaves a
  // truncated table. The atomic replace leaves either the old or the new file.
  return fs::write_file_atomic(fs, path, text);
}

bool round_trips(std::string_view value) {
  if (!value.empty() && value.back() == '\\') return false;
  if (value.find_first_of(std::string_view("\t\r\n\0", 4)) != std::string_view::npos) {
    return false;
  }
  // Reads back correctly with our reader, but is refused anyway: other XMail tools (and
  // humans editing the file) may not agree on what "\\\"" means.
  if (value.find("\\\"") != std::string_view::npos) return false;
  return dequote(quote(value)) == value;
}

}  // namespace psyncd::tabfile
