// What every admin command works on: the MAIL_ROOT, the file-system seam its writes go
// through, the mailbox format new accounts get (-MM Maildir/, -Mm mailbox/) and the notes a
// command collects for the admin ("created ...", "warning: ..."). Also the helpers the commands
// share: loading a table with a clear error, and bringing XMail's index of a table (tabindex/)
// up to date after a change.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "admin/table_file.hpp"
#include "common/fs.hpp"
#include "common/result.hpp"
#include "spool/mail_root.hpp"

namespace psyncd::admin {

enum class MailboxFormat { maildir, mailbox };

struct AdminContext {
  spool::MailRoot root;
  fs::FileSystem& fs;
  MailboxFormat format = MailboxFormat::maildir;
};

using Notes = std::vector<std::string>;

// Loads a table of the MAIL_ROOT; a missing one is an error that names it and says how to
// make the tree (psyncctl mkroot).
Result<TableFile> load_table(const std::string& path);

// After a change to `table` (a file name such as "mailusers.tab"): when XMail keeps an index of
// it in tabindex/, writes the index again (admin/xmail_index.hpp) so that a running XMail finds
// what changed, and says so; nothing when there is no index.
void note_xmail_index(const AdminContext& ctx, std::string_view table, Notes& notes);

// Removes the records `match` selects from the MAIL_ROOT table `name` ("aliases.tab") and
// saves it (with XMail's index) when any went, noting how many; a missing table is an error
// only when `required`.
Result<void> drop_records(const AdminContext& ctx, std::string_view name, const LineMatch& match,
                          bool required, Notes& notes);

// An Error naming the table, the line (when given) and the field.
Error table_error(ErrorKind kind, const TableFile& table, const TableLine* line, std::string field,
                  std::string text);

}  // namespace psyncd::admin
