// Local domains (domains.tab, docs/xmail-formats.md §4.2) as XMail's domainadd / domaindel /
// domainlist change them: add appends the lowercased name and makes domains/<domain>/ and
// cmdaliases/<domain>/; remove refuses while the domain still has accounts or links (XMail
// would delete them with their mail), then drops its line and its aliases.tab lines and the
// directories when they are empty. The caller holds the admin lock.
#pragma once

#include <string>
#include <vector>

#include "admin/admin_context.hpp"

namespace psyncd::admin {

// `given` is the domain as typed; it is stored lowercased, as XMail's domainadd does.
Result<Notes> add_domain(const AdminContext& ctx, const std::string& given);
Result<Notes> remove_domain(const AdminContext& ctx, const std::string& given);
// domains.tab's domains in file order, as written.
Result<std::vector<std::string>> list_domains(const AdminContext& ctx);

// True when domains.tab lists `domain` (case-insensitively).
Result<bool> is_local_domain(const AdminContext& ctx, const std::string& domain);

}  // namespace psyncd::admin
