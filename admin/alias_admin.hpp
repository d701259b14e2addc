// Aliases (aliases.tab: "domain" "alias" "account", docs/xmail-formats.md §4.3) as XMail's
// aliasadd / aliasdel / aliaslist change them (UsrAddAlias, UsrRemoveAlias). Add checks more
// than XMail: the domain is local, the alias is not an account (an account wins over an alias
// of the same name, so the alias would never be used) and the account it names exists
// ("name" in the alias's domain, or "name@domain"), as aliases do not chain. The caller holds
// the admin lock.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "admin/admin_context.hpp"

namespace psyncd::admin {

Result<Notes> add_alias(const AdminContext& ctx, const std::string& domain,
                        const std::string& alias, const std::string& account);
Result<Notes> remove_alias(const AdminContext& ctx, const std::string& domain,
                           const std::string& alias);
// domain, alias, account of each line (of `domain`, "" = all), in file order.
Result<std::vector<std::array<std::string, 3>>> list_aliases(const AdminContext& ctx,
                                                             const std::string& domain);

}  // namespace psyncd::admin
