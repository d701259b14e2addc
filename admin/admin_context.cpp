#include "admin/admin_context.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "admin/xmail_index.hpp"

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

void note_xmail_index(const AdminContext& ctx, std::string_view table, Notes& notes) {
  auto index = refresh_xmail_index(ctx.fs, ctx.root, table);
  if (index && index->empty()) return;  // XMail has no index of it here
  if (index) {
    notes.push_back("rebuilt XMail's index " + *index + " (a running XMail sees the change)");
    return;
  }
  // XMail rebuilds an index at start-up only when the table is newer, to the second
  // (TbixCheckIndex): dated back to the epoch, it is rebuilt at the next start whatever the
  // clock says.
  auto kind = xmail_index_kind(table);
  std::string path = fs::join(ctx.root.tabindex_dir(), kind->index_file);
  const struct timespec epoch[2] = {{0, 0}, {0, 0}};
  (void)::utimensat(AT_FDCWD, path.c_str(), epoch, 0);
  notes.push_back("warning: cannot rebuild XMail's index " + path + ": " +
                  index.error().to_string() +
                  "; restart a running XMail so that it sees "
                  "this change");
}

Result<void> drop_records(const AdminContext& ctx, std::string_view name, const LineMatch& match,
                          bool required, Notes& notes) {
  auto table = required ? load_table(ctx.root.path(name)) : TableFile::load(ctx.root.path(name));
  if (!table) return required ? Result<void>(table.error()) : Result<void>();
  int n = table->remove(match);
  if (n == 0) return {};
  if (auto r = table->save(ctx.fs); !r) return r;
  notes.push_back("removed " + std::to_string(n) + " line(s) from " + table->path());
  note_xmail_index(ctx, name, notes);
  return {};
}

Error table_error(ErrorKind kind, const TableFile& table, const TableLine* line, std::string field,
                  std::string text) {
  return Error{kind, table.path(), line ? line->number : 0, std::move(field), std::move(text)};
}

}  // namespace psyncd::admin
