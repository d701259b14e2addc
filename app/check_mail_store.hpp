// --check of one account's mail store against the -MM / -Mm choice: psyncd (as XMail)
// delivers to and serves Maildir/ under -MM and mailbox/ under -Mm, never both, so messages in
// the other one are invisible to POP3 clients (a tree moved from -Mm to -MM, or the flag
// forgotten). An account with only the other store is left alone (a tree may keep -Mm
// accounts for XMail beside -MM ones).
#pragma once

#include <string>
#include <vector>

#include "psync/link_problem.hpp"
#include "spool/mail_root.hpp"
#include "spool/mail_users.hpp"

namespace psyncd::app {

struct StoreProblem {
  psync::Severity severity;
  std::string text;  // paths relative to MAIL_ROOT
};

// `mailbox_format`: -Mm. Message files are regular files not starting with '.'.
std::vector<StoreProblem> mail_store_problems(const spool::MailRoot& root,
                                              const spool::MailUser& user, bool mailbox_format);

}  // namespace psyncd::app
