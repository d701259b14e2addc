#include "spool/user_lookup.hpp"

#include "common/ascii.hpp"

namespace psyncd::spool {

namespace {

// UsrGetUserByNameOrAliasNDA: one domain, no alias-domain step.
const MailUser* find_in_domain(const AccountTables& t, std::string_view domain,
                               std::string_view local) {
  if (const MailUser* user = t.users->find(domain, local)) return user;
  if (t.aliases == nullptr) return nullptr;
  auto account = t.aliases->lookup(domain, local);
  if (!account) return nullptr;
  std::string_view target = *account;
  size_t at = target.find('@');
  // XMail's USmtpSplitEmailAddr fails on a name without '@': the name is in the same domain.
  if (at == std::string_view::npos || at == 0 || at + 1 == target.size())
    return t.users->find(domain, target);
  return t.users->find(target.substr(at + 1), target.substr(0, at));
}

}  // namespace

const MailUser* find_user_or_alias(const AccountTables& t, std::string_view domain,
                                   std::string_view local) {
  if (const MailUser* user = find_in_domain(t, domain, local)) return user;
  if (t.domains == nullptr) return nullptr;
  auto real = t.domains->resolve(domain);
  if (!real || iequals(*real, domain)) return nullptr;
  return find_in_domain(t, *real, local);
}

}  // namespace psyncd::spool
