// psyncd --check: validates a whole MAIL_ROOT without changing anything. It reports missing
// files and directories, every table's unreadable or refused lines (server.tab, domains.tab,
// aliasdomain.tab, mailusers.tab, userdef.tab, user.tab, pop3links.tab), accounts without
// their directory, and the POP3LINKS.TAB problems (bad fields, undecodable passwords, unknown
// authtype tokens, contradictions, local links to missing accounts, duplicates), and mount
// points a delivery cannot cross (a Maildir's new/ apart from its tmp/ or cur/, spool/local
// apart from spool/temp). It does not contact remote servers and does not read mailboxes (so
// `.keep` files there are nothing).
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
};

// Problems in report order; file names relative to `root` (as admins write them).
std::vector<psync::Problem> check_mail_root(const std::string& root,
                                            const CheckOptions& options = {});

// Prints each problem as "file:line: text" ("warning: " first for warnings), one per line,
// and returns the exit status: 1 when there is an error, else 0 (a clean tree prints nothing).
int run_check(const std::string& root, std::ostream& out, const CheckOptions& options = {});

}  // namespace psyncd::app
