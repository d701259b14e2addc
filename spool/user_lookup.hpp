// The account a local address names, as XMail's UsrGetUserByNameOrAlias (UsrUtils.cpp) finds
// it: an account of that exact domain and name wins over an alias; else the alias of
// aliases.tab (aliases.hpp), whose account ("name" in the same domain, or "name@domain") must
// exist exactly, without further aliases or alias domains; when both fail and the domain is
// an alias domain (aliasdomain.tab), the same again in its real domain. Names and domains
// compare case-insensitively. Pure: the tables are loaded by the caller.
#pragma once

#include <string_view>

#include "spool/aliases.hpp"
#include "spool/domains.hpp"
#include "spool/mail_users.hpp"

namespace psyncd::spool {

struct AccountTables {
  const Domains* domains = nullptr;
  const MailUsers* users = nullptr;
  const Aliases* aliases = nullptr;  // may be null: no aliases
};

// nullptr: no account (XMail: "Unknown user").
const MailUser* find_user_or_alias(const AccountTables& tables, std::string_view domain,
                                   std::string_view local);

}  // namespace psyncd::spool
