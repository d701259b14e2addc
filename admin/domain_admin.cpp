#include "admin/domain_admin.hpp"

#include <unistd.h>

#include "admin/names.hpp"
#include "common/ascii.hpp"

namespace psyncd::admin {

namespace {

LineMatch names_domain(const std::string& domain) {
  return [domain](const TableLine& line) { return iequals(line.fields[0], domain); };
}

// rmdir when empty; a note when something is left in it.
void remove_if_empty(const AdminContext& ctx, const std::string& dir, Notes& notes) {
  if (!fs::is_directory(dir)) return;
  auto entries = ctx.fs.list_dir(dir);
  if (entries && entries->empty() && ::rmdir(dir.c_str()) == 0) {
    notes.push_back("removed " + dir + "/");
    return;
  }
  notes.push_back("note: " + dir + "/ is not empty and stays");
}

// Links whose field 1 names the domain: "domain", "@domain", "?domain,..." (not '&', whose
// field 1 is a suffix).
bool link_names_domain(const TableLine& line, const std::string& domain) {
  std::string_view f = line.fields[0];
  if (!f.empty() && (f[0] == '@' || f[0] == '?')) f.remove_prefix(1);
  f = f.substr(0, f.find(','));
  return iequals(f, domain);
}

}  // namespace

Result<bool> is_local_domain(const AdminContext& ctx, const std::string& domain) {
  auto table = load_table(ctx.root.domains_tab());
  if (!table) return table.error();
  return !table->find(names_domain(domain)).empty();
}

Result<Notes> add_domain(const AdminContext& ctx, const std::string& given) {
  if (auto r = check_domain_name(given); !r) return r.error();
  std::string domain = ascii_lower(given);  // XMail's domainadd lowercases it too
  auto table = load_table(ctx.root.domains_tab());
  if (!table) return table.error();
  if (auto hits = table->find(names_domain(domain)); !hits.empty()) {
    return table_error(ErrorKind::config, *table, hits[0], "domain",
                       "\"" + domain + "\" is already a local domain");
  }
  auto aliases = TableFile::load(ctx.root.aliasdomain_tab());
  if (aliases) {
    if (auto hits = aliases->find(names_domain(domain)); !hits.empty()) {
      return table_error(ErrorKind::config, *aliases, hits[0], "alias-domain",
                         "\"" + domain + "\" is an alias domain; remove that line first");
    }
  }
  Notes notes;
  for (const auto& dir : {ctx.root.domain_dir(domain), ctx.root.path("cmdaliases/" + domain)}) {
    if (fs::is_directory(dir)) continue;
    if (auto r = ctx.fs.make_dirs(dir, 0755); !r) return r.error();
    notes.push_back("created " + dir + "/");
  }
  table->append({{domain}});
  if (auto r = table->save(ctx.fs); !r) return r.error();
  notes.push_back("added \"" + domain + "\" to " + table->path());
  note_xmail_index(ctx, "domains.tab", notes);
  return notes;
}

Result<Notes> remove_domain(const AdminContext& ctx, const std::string& given) {
  std::string domain = ascii_lower(given);
  auto table = load_table(ctx.root.domains_tab());
  if (!table) return table.error();
  if (table->find(names_domain(domain)).empty()) {
    return table_error(ErrorKind::not_found, *table, nullptr, "domain",
                       "\"" + domain + "\" is not a local domain");
  }
  auto users = load_table(ctx.root.mailusers_tab());
  if (!users) return users.error();
  if (auto hits = users->find(names_domain(domain)); !hits.empty()) {
    return table_error(ErrorKind::config, *users, hits[0], "domain",
                       "\"" + domain + "\" still has " + std::to_string(hits.size()) +
                           " account(s); remove them first (psyncctl userdel), so no mail is lost");
  }
  auto links = load_table(ctx.root.pop3links_tab());
  if (!links) return links.error();
  auto link_hits =
      links->find([&](const TableLine& line) { return link_names_domain(line, domain); });
  if (!link_hits.empty()) {
    return table_error(ErrorKind::config, *links, link_hits[0], "field 1 (local-domain)",
                       "a link still delivers to \"" + domain +
                           "\"; remove it first (psyncctl "
                           "poplnkdel)");
  }
  Notes notes;
  if (auto r = drop_records(ctx, "aliases.tab", names_domain(domain), true, notes); !r)
    return r.error();
  table->remove(names_domain(domain));
  if (auto r = table->save(ctx.fs); !r) return r.error();
  notes.push_back("removed \"" + domain + "\" from " + table->path());
  note_xmail_index(ctx, "domains.tab", notes);
  remove_if_empty(ctx, ctx.root.path("cmdaliases/" + domain), notes);
  remove_if_empty(ctx, ctx.root.domain_dir(domain), notes);
  return notes;
}

Result<std::vector<std::string>> list_domains(const AdminContext& ctx) {
  auto table = load_table(ctx.root.domains_tab());
  if (!table) return table.error();
  std::vector<std::string> out;
  for (const auto* line : table->find([](const TableLine&) { return true; }))
    out.push_back(line->fields[0]);
  return out;
}

}  // namespace psyncd::admin
