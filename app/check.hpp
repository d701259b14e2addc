// psyncd --check: validates a whole MAIL_ROOT without changing anything. It reports missing
// files and directories, every table's unreadable or refused lines (server.tab, domains.tab,
// aliasdomain.tab, mailusers.tab, userdef.tab, user.tab, pop3links.tab), accounts without
// their directory, and the POP3LINKS.TAB problems (bad fields, undecodable passwords, unknown
// authtype tokens, contradictions, local links to missing accounts, duplicates), and mount
// points a delivery cannot cross (a Maildir's new/ apart from its tmp/ or cur/, spool/local
// apart from spool/temp), server.tab names nobody reads and numbers that are not numbers, a
// Pop3SyncErrorAccount that reaches no mailbox, and mail stored for the other of -MM / -Mm
// (app/check_mail_store.hpp). It does not contact remote servers and reads no message (it
// only counts message files, so `.keep` files are nothing).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "psync/link_problem.hpp"

namespace psyncd::app {

struct CheckOptions {
  // Also require what a real XMail needs to start on the tree (docs/xmail-formats.md §5.1), as
  // warnings.
  bool xmail_compat = true;
  // -Mm: accounts keep their mail in mailbox/ (else Maildir/).
  bool mailbox_format = false;
};

// Problems in report order; file names relative to `root` (as admins write them).
std::vector<psync::Problem> check_mail_root(const std::string& root,
                                            const CheckOptions& options = {});

// Prints each problem as "file:line: text" ("warning: " or "dangerous: " first for warnings
// and dangers), one per line, and returns the exit status: 1 when there is an error or a
// danger, else 0 (a clean tree prints nothing).
int run_check(const std::string& root, std::ostream& out, const CheckOptions& options = {});

}  // namespace psyncd::app
