#include "admin/alias_admin.hpp"

#include "admin/domain_admin.hpp"
#include "admin/names.hpp"
#include "common/ascii.hpp"

namespace psyncd::admin {

namespace {

LineMatch names_alias(const std::string& domain, const std::string& alias) {
  return [=](const TableLine& l) {
    return l.fields.size() >= 3 && iequals(l.fields[0], domain) && iequals(l.fields[1], alias);
  };
}

bool has_account(const TableFile& users, const std::string& domain, const std::string& name) {
  return !users
              .find([&](const TableLine& l) {
                return l.fields.size() >= 6 && iequals(l.fields[0], domain) &&
                       iequals(l.fields[1], name);
              })
              .empty();
}

}  // namespace

Result<Notes> add_alias(const AdminContext& ctx, const std::string& domain_given,
                        const std::string& alias, const std::string& account) {
  std::string domain = ascii_lower(domain_given);
  if (auto r = check_domain_name(domain); !r) return r.error();
  if (auto r = check_alias_name(alias); !r) return r.error();
  if (auto r = check_field_value(account, "account"); !r) return r.error();
  auto local = is_local_domain(ctx, domain);
  if (!local) return local.error();
  if (!*local)
    return Error{ErrorKind::config, ctx.root.domains_tab(), 0, "domain",
                 "\"" + domain + "\" is not a local domain; add it first (psyncctl domainadd)"};
  auto users = load_table(ctx.root.mailusers_tab());
  if (!users) return users.error();
  if (has_account(*users, domain, alias))
    return table_error(ErrorKind::config, *users, nullptr, "alias",
                       "\"" + alias + "@" + domain +
                           "\" is an account; an account wins over an alias of its name");
  auto at = account.find('@');
  std::string target_domain = at == std::string::npos ? domain : account.substr(at + 1);
  std::string target_name = account.substr(0, at);
  if (!has_account(*users, target_domain, target_name))
    return table_error(ErrorKind::config, *users, nullptr, "account",
                       "no account \"" + target_name + "@" + target_domain +
                           "\" (aliases name accounts, not other aliases)");
  auto aliases = load_table(ctx.root.aliases_tab());
  if (!aliases) return aliases.error();
  if (auto hits = aliases->find(names_alias(domain, alias)); !hits.empty())
    return table_error(ErrorKind::config, *aliases, hits[0], "alias",
                       "\"" + alias + "@" + domain + "\" exists already");
  aliases->append({{domain}, {alias}, {account}});
  if (auto r = aliases->save(ctx.fs); !r) return r.error();
  Notes notes{"added " + alias + "@" + domain + " -> " + account + " to " + aliases->path()};
  note_xmail_index(ctx, "aliases.tab", notes);
  return notes;
}

Result<Notes> remove_alias(const AdminContext& ctx, const std::string& domain,
                           const std::string& alias) {
  auto aliases = load_table(ctx.root.aliases_tab());
  if (!aliases) return aliases.error();
  if (aliases->remove(names_alias(domain, alias)) == 0)
    return table_error(ErrorKind::not_found, *aliases, nullptr, "alias",
                       "no alias \"" + alias + "@" + domain + "\"");
  if (auto r = aliases->save(ctx.fs); !r) return r.error();
  Notes notes{"removed " + alias + "@" + domain + " from " + aliases->path()};
  note_xmail_index(ctx, "aliases.tab", notes);
  return notes;
}

Result<std::vector<std::array<std::string, 3>>> list_aliases(const AdminContext& ctx,
                                                             const std::string& domain) {
  auto aliases = load_table(ctx.root.aliases_tab());
  if (!aliases) return aliases.error();
  std::vector<std::array<std::string, 3>> out;
  for (const auto* l : aliases->find([&](const TableLine& line) {
         return line.fields.size() >= 3 && (domain.empty() || iequals(line.fields[0], domain));
       }))
    out.push_back({l->fields[0], l->fields[1], l->fields[2]});
  return out;
}

}  // namespace psyncd::admin
