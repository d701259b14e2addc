// --check for the delivery command files fetched mail runs through (spool/local_resolver.hpp):
// every mailproc.tab of a domain or user account and every cmdaliases/<domain>/<user>.tab.
// Lines XMail would skip (unknown commands, "mailbox" with an argument or in a cmdaliases
// file, a redirect without an address) are reported with file, line and field, as routing
// also logs them. It reads the files and changes nothing.
#pragma once

#include <vector>

#include "common/result.hpp"
#include "spool/mail_root.hpp"
#include "spool/mail_users.hpp"

namespace psyncd::app {

// Problems (all warnings: XMail runs the rest of the file), in path order.
std::vector<Error> delivery_command_problems(const spool::MailRoot& root,
                                             const spool::MailUsers& users);

}  // namespace psyncd::app
