#include "admin/link_admin.hpp"

#include <ctime>

#include "admin/names.hpp"
#include "common/ascii.hpp"
#include "psync/link.hpp"
#include "psync/link_table.hpp"
#include "spool/domains.hpp"
#include "spool/mail_users.hpp"
#include "spool/password.hpp"
#include "tabfile/tab_reader.hpp"

namespace psyncd::admin {

namespace {

LineMatch names_links(const LinkKey& key) {
  return [key](const TableLine& l) {
    if (l.fields.size() < 4) return false;
    if (!key.local_domain.empty() && !iequals(l.fields[0], key.local_domain)) return false;
    if (!key.local_account.empty() && !iequals(l.fields[1], key.local_account)) return false;
    if (!key.server.empty() && !iequals(l.fields[2], key.server)) return false;
    return key.remote_user.empty() || iequals(l.fields[3], key.remote_user);
  };
}

std::string describe(const LinkKey& key) {
  return key.remote_user + "@" + key.server + " -> " + key.local_account + " " + key.local_domain;
}

struct Accounts {
  spool::MailUsers users;
  spool::Domains domains;
};

Result<Accounts> load_accounts(const AdminContext& ctx) {
  auto users = spool::MailUsers::load(ctx.root.mailusers_tab());
  if (!users) return users.error();
  auto domains = spool::Domains::load(ctx.root.domains_tab(), ctx.root.aliasdomain_tab());
  if (!domains) return domains.error();
  return Accounts{std::move(*users), std::move(*domains)};
}

// Reads the edited table as --check would and returns the problems of line `number`.
std::vector<psync::Problem> problems_of_line(const TableFile& table, int number,
                                             const Accounts& accounts) {
  tabfile::ReadOptions options;
  options.max_line_bytes = psync::kLinksLineMax;
  auto parsed = tabfile::parse(table.text(), table.path(), options);
  for (const auto& e : parsed.problems)
    if (e.line == number) return {psync::Problem{psync::Severity::error, e}};
  auto links =
      psync::LinkTable::from_table(parsed, psync::accounts_in(accounts.users, &accounts.domains));
  std::vector<psync::Problem> out;
  for (const auto& p : links.problems)
    if (p.error.line == number) out.push_back(p);
  return out;
}

Result<void> check_line(const TableFile& table, int number, const Accounts& accounts) {
  auto problems = problems_of_line(table, number, accounts);
  if (problems.empty()) return {};
  // Each problem names file, line and field itself.
  std::string text = "refused, nothing was changed: the new line would not pass --check:";
  for (const auto& p : problems) text += "\n  " + p.to_string();
  return Error{ErrorKind::config, {}, 0, {}, text};
}

// docs/xmail-formats.md §3.5: in the account directory for a local link, else pop3links/.
Result<std::string> disabled_path(const AdminContext& ctx, const psync::Link& link,
                                  const Accounts& accounts) {
  std::string dir = ctx.root.pop3links_dir();
  if (link.kind == psync::LinkKind::local) {
    const auto* user = accounts.users.find(link.target, link.local_account, accounts.domains);
    if (user == nullptr)
      return Error{ErrorKind::not_found, ctx.root.mailusers_tab(), 0, "account",
                   "no account \"" + link.local_account + "@" + link.target + "\""};
    dir = ctx.root.account_dir(user->domain, user->dir);
  }
  return fs::join(dir, psync::disabled_file_name(link));
}

// pop3links.tab, when it has a link that `key` names; fields left empty match any value.
Result<TableFile> load_links_of(const AdminContext& ctx, const LinkKey& key) {
  auto links = load_table(ctx.root.pop3links_tab());
  if (!links) return links.error();
  if (links->find(names_links(key)).empty())
    return table_error(ErrorKind::not_found, *links, nullptr, "link", "no link " + describe(key));
  return links;
}

// One link is named by all four of its fields.
Result<void> check_whole_key(const LinkKey& key) {
  if (key.local_domain.empty() || key.local_account.empty() || key.server.empty() ||
      key.remote_user.empty())
    return Error{ErrorKind::usage, {}, 0, "link", "name the link by all of fields 1 to 4"};
  return {};
}

psync::Link link_of(const TableLine& line) {
  return psync::parse_link(tabfile::Record{line.number, line.fields}).link;
}

std::string now_text() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%d %b %Y %H:%M:%S %Z", &tm);  // as GwLkEnable writes it
  return buf;
}

}  // namespace

Result<Notes> add_link(const AdminContext& ctx, const LinkKey& key, const std::string& password,
                       const std::string& authtype) {
  for (auto [value, what] :
       {std::pair{&key.local_domain, "field 1 (local-domain)"},
        std::pair{&key.local_account, "field 2 (local-account)"},
        std::pair{&key.server, "field 3 (server)"},
        std::pair{&key.remote_user, "field 4 (remote-user)"}, std::pair{&password, "password"},
        std::pair{&authtype, "field 6 (authtype)"}}) {
    if (auto r = check_field_value(*value, what); !r) return r.error();
  }
  auto links = load_table(ctx.root.pop3links_tab());
  if (!links) return links.error();
  auto accounts = load_accounts(ctx);
  if (!accounts) return accounts.error();
  links->append({{key.local_domain},
                 {key.local_account},
                 {key.server},
                 {key.remote_user},
                 {spool::encode_password(password)},
                 {authtype}});
  if (auto r = check_line(*links, static_cast<int>(links->lines().size()), *accounts); !r)
    return r.error();
  if (auto r = links->save(ctx.fs); !r) return r.error();
  return Notes{"added " + describe(key) + " to " + links->path() + ":" +
               std::to_string(links->lines().size())};
}

Result<Notes> remove_link(const AdminContext& ctx, const LinkKey& key) {
  if (auto r = check_whole_key(key); !r) return r.error();
  auto links = load_links_of(ctx, key);
  if (!links) return links.error();
  auto hits = links->find(names_links(key));
  auto accounts = load_accounts(ctx);
  if (!accounts) return accounts.error();
  Notes notes;
  auto disabled = disabled_path(ctx, link_of(*hits[0]), *accounts);
  links->remove(names_links(key));
  if (auto r = links->save(ctx.fs); !r) return r.error();
  notes.push_back("removed " + describe(key) + " from " + links->path());
  if (disabled && fs::exists(*disabled) && ctx.fs.unlink(*disabled))
    notes.push_back("removed " + *disabled);
  return notes;
}

Result<Notes> set_link_password(const AdminContext& ctx, const LinkKey& key,
                                const std::string& password) {
  if (auto r = check_whole_key(key); !r) return r.error();
  if (auto r = check_field_value(password, "password"); !r) return r.error();
  auto links = load_links_of(ctx, key);
  if (!links) return links.error();
  auto hits = links->find(names_links(key));
  const TableLine& line = *hits[0];
  std::vector<tabfile::OutField> fields;
  for (size_t i = 0; i < line.fields.size(); ++i)
    fields.push_back({i == 4 ? spool::encode_password(password) : line.fields[i]});
  int number = line.number;
  links->replace([&](const TableLine& l) { return l.number == number; }, fields);
  if (auto r = links->save(ctx.fs); !r) return r.error();
  return Notes{"set the password of " + describe(key) + " in " + links->path() + ":" +
               std::to_string(number)};
}

Result<Notes> enable_links(const AdminContext& ctx, const LinkKey& key, bool enable) {
  auto links = load_links_of(ctx, key);
  if (!links) return links.error();
  auto hits = links->find(names_links(key));
  auto accounts = load_accounts(ctx);
  if (!accounts) return accounts.error();
  Notes notes;
  for (const auto* line : hits) {
    auto path = disabled_path(ctx, link_of(*line), *accounts);
    if (!path) return path.error();
    std::string who = links->path() + ":" + std::to_string(line->number);
    if (enable) {
      if (!fs::exists(*path)) {
        notes.push_back(who + ": enabled already");
        continue;
      }
      if (auto r = ctx.fs.unlink(*path); !r) return r.error();
      notes.push_back(who + ": enabled (removed " + *path + ")");
    } else {
      if (auto r = fs::write_file_atomic(ctx.fs, *path, now_text() + "\n", 0644); !r)
        return r.error();
      notes.push_back(who + ": disabled (wrote " + *path + ")");
    }
  }
  return notes;
}

Result<std::vector<LinkRow>> list_links(const AdminContext& ctx, const LinkKey& filter) {
  auto links = load_table(ctx.root.pop3links_tab());
  if (!links) return links.error();
  auto accounts = load_accounts(ctx);
  if (!accounts) return accounts.error();
  std::vector<LinkRow> out;
  for (const auto* line : links->find(names_links(filter))) {
    LinkRow row{{line->fields[0], line->fields[1], line->fields[2], line->fields[3]},
                line->fields.size() >= 6 ? line->fields[5] : "",
                false,
                line->number};
    auto path = disabled_path(ctx, link_of(*line), *accounts);
    row.disabled = path && fs::exists(*path);
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace psyncd::admin
