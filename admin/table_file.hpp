// TableFile: one XMail table held as its lines, for an edit that keeps every line it does not
// change byte for byte (comments, blank lines, quoting, fields past the ones we read). Records
// are matched on dequoted fields (tabfile::split_fields, as XMail's StrGetTabLineStrings); new
// lines are written as XMail's own writers write them (tabfile::format_line). save() replaces
// the file atomically and keeps its mode and, for root, its owner. It takes no lock: the caller
// holds the admin lock (admin/admin_lock.hpp).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/fs.hpp"
#include "common/result.hpp"
#include "tabfile/tab_writer.hpp"

namespace psyncd::admin {

struct TableLine {
  std::string text;                 // the line as read, without its line end
  int number = 0;                   // 1-based line in the file as read; 0 for added lines
  std::vector<std::string> fields;  // dequoted; empty for comments and blank lines
};

using LineMatch = std::function<bool(const TableLine&)>;

class TableFile {
 public:
  // Reads `path`; kind not_found when it does not exist.
  static Result<TableFile> load(const std::string& path);

  const std::string& path() const { return path_; }
  const std::vector<TableLine>& lines() const { return lines_; }
  // The records (lines with fields) that match, in file order.
  std::vector<const TableLine*> find(const LineMatch& match) const;

  // Appends one record written as XMail writes it. The values must round-trip
  // (tabfile::round_trips); the caller checks them first and names the field.
  void append(const std::vector<tabfile::OutField>& fields);
  // Replaces the matching records by `fields` (kept in place); returns how many.
  int replace(const LineMatch& match, const std::vector<tabfile::OutField>& fields);
  // Removes the matching records; returns how many.
  int remove(const LineMatch& match);

  // The file's text as save() would write it.
  std::string text() const;
  // Writes the lines back: temp file in the same directory, fsync, rename, fsync directory.
  Result<void> save(fs::FileSystem& fs) const;

 private:
  std::string path_;
  std::vector<TableLine> lines_;
  bool final_newline_ = true;
};

// Writes a new table holding `text` (for files that must not exist yet); the same atomic
// replace, mode 0644.
Result<void> write_new_table(fs::FileSystem& fs, const std::string& path, const std::string& text);

}  // namespace psyncd::admin
