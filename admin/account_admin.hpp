// Local accounts (mailusers.tab, docs/xmail-formats.md §4.1) as XMail's useradd / userdel /
// userpasswd / userlist change them (UsrAddUser, UsrRemoveUser): add takes the next id (the
// highest + 1), makes domains/<domain>/<name>/ with user.tab copied from userdef.tab (the
// domain's, else the root's) and Maildir/{tmp,new,cur} (-MM) or mailbox/ (-Mm), or mlusers.tab
// for a mailing list, before the table line is written. Remove refuses while the mailbox holds
// mail (XMail would delete it), then drops the line, the account's local links, aliases and
// extaliases.tab lines and its directory. Passwords are stored with XMail's encoding
// (spool/password.hpp). The caller holds the admin lock.
#pragma once

#include <string>
#include <vector>

#include "admin/admin_context.hpp"

namespace psyncd::admin {

struct AccountRow {
  std::string domain, name, dir, type;
  std::string id;
};

// type: "U" (user) or "M" (mailing list).
Result<Notes> add_account(const AdminContext& ctx, const std::string& domain,
                          const std::string& name, const std::string& password,
                          const std::string& type = "U");
Result<Notes> remove_account(const AdminContext& ctx, const std::string& domain,
                             const std::string& name);
Result<Notes> set_account_password(const AdminContext& ctx, const std::string& domain,
                                   const std::string& name, const std::string& password);
// Every account, or those of `domain` ("" = all), in file order.
Result<std::vector<AccountRow>> list_accounts(const AdminContext& ctx, const std::string& domain);

}  // namespace psyncd::admin
