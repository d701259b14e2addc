#include "admin/table_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include "tabfile/tab_reader.hpp"

namespace psyncd::admin {

namespace {

TableLine read_line(std::string text, int number) {
  TableLine line{std::move(text), number, {}};
  std::string_view view = line.text;
  while (!view.empty() && view.back() == '\r') view.remove_suffix(1);
  if (view.empty() || view.front() == '#') return line;
  for (auto raw : tabfile::split_fields(view)) line.fields.push_back(tabfile::dequote(raw));
  return line;
}

}  // namespace

Result<TableFile> TableFile::load(const std::string& path) {
  auto text = fs::read_file(path);
  if (!text) return text.error();
  TableFile table;
  table.path_ = path;
  size_t start = 0;
  int number = 0;
  while (start < text->size()) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    table.lines_.push_back(read_line(text->substr(start, end - start), ++number));
    start = end + 1;
  }
  table.final_newline_ = text->empty() || text->back() == '\n';
  return table;
}

std::vector<const TableLine*> TableFile::find(const LineMatch& match) const {
  std::vector<const TableLine*> out;
  for (const auto& line : lines_)
    if (!line.fields.empty() && match(line)) out.push_back(&line);
  return out;
}

void TableFile::append(const std::vector<tabfile::OutField>& fields) {
  std::string text = tabfile::format_line(fields);
  text.pop_back();  // the LF
  // A last line without its LF gets one before ours, so the two do not run together.
  final_newline_ = true;
  lines_.push_back(read_line(std::move(text), 0));
}

int TableFile::replace(const LineMatch& match, const std::vector<tabfile::OutField>& fields) {
  int count = 0;
  for (auto& line : lines_) {
    if (line.fields.empty() || !match(line)) continue;
    std::string text = tabfile::format_line(fields);
    text.pop_back();
    int number = line.number;
    line = read_line(std::move(text), number);
    ++count;
  }
  return count;
}

int TableFile::remove(const LineMatch& match) {
  int count = 0;
  std::erase_if(lines_, [&](const TableLine& line) {
    bool hit = !line.fields.empty() && match(line);
    count += hit ? 1 : 0;
    return hit;
  });
  return count;
}

std::string TableFile::text() const {
  std::string text;
  for (size_t i = 0; i < lines_.size(); ++i) {
    text += lines_[i].text;
    if (i + 1 < lines_.size() || final_newline_) text += '\n';
  }
  return text;
}

Result<void> TableFile::save(fs::FileSystem& fs) const {
  std::string text = this->text();
  struct stat st {};
  unsigned mode = 0644;
  bool have_stat = ::stat(path_.c_str(), &st) == 0;
  if (have_stat) mode = st.st_mode & 07777;
  if (auto r = fs::write_file_atomic(fs, path_, text, mode); !r) return r;
  // The new file is ours; a table that belonged to another user (XMail's) stays theirs.
  if (have_stat && ::geteuid() == 0 && (st.st_uid != 0 || st.st_gid != 0)) {
    if (::chown(path_.c_str(), st.st_uid, st.st_gid) != 0)
      return fs::sys_error("cannot give the table back to its owner", path_, errno);
  }
  return {};
}

Result<void> write_new_table(fs::FileSystem& fs, const std::string& path, const std::string& text) {
  return fs::write_file_atomic(fs, path, text, 0644);
}

}  // namespace psyncd::admin
