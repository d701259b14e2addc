#include "admin/admin_context.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
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
  // TbixGetIndexFile names it after the table without its extension: "mailusers-0001.hdx".
  std::string prefix = std::string(table.substr(0, table.rfind('.'))) + "-";
  bool found = false;
  while (const dirent* entry = ::readdir(dir.get())) {
    std::string_view name = entry->d_name;
    if (!name.starts_with(prefix) || !name.ends_with(".hdx")) continue;
    found = true;
    // XMail rebuilds an index at start-up only when the table is newer, to the second
    // (TbixCheckIndex), so a change in the second the index was built would never be seen.
    // Dating the index back to the epoch makes the next start rebuild it; a running XMail
    // goes on using it as it is.
    std::string path = fs::join(root.tabindex_dir(), name);
    const struct timespec epoch[2] = {{0, 0}, {0, 0}};
    if (::utimensat(AT_FDCWD, path.c_str(), epoch, 0) != 0)
      notes.push_back("warning: cannot date back " + path + ": " + std::strerror(errno) +
                      "; remove it before XMail starts again");
  }
  if (found)
    notes.push_back("note: XMail keeps an index of " + std::string(table) + " in " +
                    root.tabindex_dir() +
                    "/, which it rebuilds only at start-up or through its own commands: "
                    "restart a running XMail so that it sees this change (psyncd reads the "
                    "table at every cycle and login)");
}

Error table_error(ErrorKind kind, const TableFile& table, const TableLine* line, std::string field,
                  std::string text) {
  return Error{kind, table.path(), line ? line->number : 0, std::move(field), std::move(text)};
}

}  // namespace psyncd::admin
