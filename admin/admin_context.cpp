#include "admin/admin_context.hpp"

#include <dirent.h>

#include <memory>

namespace psyncd::admin {

Result<TableFile> load_table(const std::string& path) {
  auto table = TableFile::load(path);
  if (!table && table.error().kind == ErrorKind::not_found) {
    return Error{ErrorKind::not_found,
                 path,
                 0,
                 {},
                 "the table is missing; make the tree with: psyncctl -Ms MAIL_ROOT mkroot"};
  }
  return table;
}

void note_xmail_index(const spool::MailRoot& root, std::string_view table, Notes& notes) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(root.tabindex_dir().c_str()), ::closedir);
  if (!dir) return;
  std::string prefix = std::string(table) + "-";
  while (const dirent* entry = ::readdir(dir.get())) {
    std::string_view name = entry->d_name;
    if (name.starts_with(prefix) && name.ends_with(".hdx")) {
      notes.push_back("note: XMail keeps an index of " + std::string(table) + " in " +
                      root.tabindex_dir() +
                      "/, which it rebuilds only at start-up or through its own commands: "
                      "restart a running XMail so that it sees this change (psyncd reads the "
                      "table at every cycle and login)");
      return;
    }
  }
}

Error table_error(ErrorKind kind, const TableFile& table, const TableLine* line, std::string field,
                  std::string text) {
  return Error{kind, table.path(), line ? line->number : 0, std::move(field), std::move(text)};
}

}  // namespace psyncd::admin
