#include "admin/account_admin.hpp"

#include <filesystem>
#include <tuple>

#include "admin/domain_admin.hpp"
#include "admin/names.hpp"
#include "common/ascii.hpp"
#include "common/decimal.hpp"
#include "spool/password.hpp"

namespace psyncd::admin {

namespace {

constexpr size_t kUserFields = 6;  // domain, name, password, id, dir, type

LineMatch names_account(const std::string& domain, const std::string& name) {
  return [=](const TableLine& line) {
    return line.fields.size() >= kUserFields && iequals(line.fields[0], domain) &&
           iequals(line.fields[1], name);
  };
}

Result<void> check_password(const std::string& password) {
  if (password.empty()) return Error{ErrorKind::usage, {}, 0, "password", "is empty"};
  return check_field_value(password, "password");
}

// XMail's UsrAddUser: the highest id (atol of field 4) + 1.
unsigned long next_id(const TableFile& users) {
  unsigned long max = 0;
  for (const auto* line :
       users.find([](const TableLine& l) { return l.fields.size() >= kUserFields; })) {
    unsigned long id = std::strtoul(line->fields[3].c_str(), nullptr, 10);
    if (id > max) max = id;
  }
  return max + 1;
}

// The 2-field records of userdef.tab (the domain's first, as UsrGetDefaultInfoFile), written
// as XMail's UsrWriteInfoList writes user.tab.
std::string user_tab_text(const AdminContext& ctx, const std::string& domain) {
  for (const auto& path : {ctx.root.domain_userdef_tab(domain), ctx.root.userdef_tab()}) {
    auto table = TableFile::load(path);
    if (!table) continue;
    std::string text;
    for (const auto* line : table->find([](const TableLine& l) { return l.fields.size() == 2; }))
      text += tabfile::format_line(std::vector<std::string>{line->fields[0], line->fields[1]});
    return text;
  }
  return {};
}

Result<void> make_account_dir(const AdminContext& ctx, const std::string& domain,
                              const std::string& dir, const std::string& type) {
  std::string base = ctx.root.account_dir(domain, dir);
  if (auto r = ctx.fs.mkdir(base, 0755); !r) return r;
  if (type == "M") {
    if (auto r = write_new_table(ctx.fs, fs::join(base, "mlusers.tab"), ""); !r) return r;
  } else if (ctx.format == MailboxFormat::mailbox) {
    if (auto r = ctx.fs.mkdir(ctx.root.mailbox_dir(domain, dir), 0755); !r) return r;
  } else {
    for (const auto& d : {ctx.root.maildir(domain, dir), ctx.root.maildir_tmp(domain, dir),
                          ctx.root.maildir_new(domain, dir), ctx.root.maildir_cur(domain, dir)})
      if (auto r = ctx.fs.mkdir(d, 0755); !r) return r;
  }
  return write_new_table(ctx.fs, ctx.root.user_tab(domain, dir), user_tab_text(ctx, domain));
}

// Names of the messages in an account's mailbox (Maildir new/ and cur/, or mailbox/).
size_t count_messages(const AdminContext& ctx, const std::string& domain, const std::string& dir) {
  size_t n = 0;
  for (const auto& d : {ctx.root.maildir_new(domain, dir), ctx.root.maildir_cur(domain, dir),
                        ctx.root.mailbox_dir(domain, dir)}) {
    auto entries = ctx.fs.list_dir(d);
    if (!entries) continue;
    for (const auto& e : *entries)
      if (!e.name.starts_with(".")) ++n;
  }
  return n;
}

Result<TableFile> load_users(const AdminContext& ctx) {
  return load_table(ctx.root.mailusers_tab());
}

Result<const TableLine*> find_account(const TableFile& users, const std::string& domain,
                                      const std::string& name) {
  auto hits = users.find(names_account(domain, name));
  if (hits.empty())
    return table_error(ErrorKind::not_found, users, nullptr, "account",
                       "no account \"" + name + "@" + domain + "\"");
  return hits[0];
}

}  // namespace

Result<Notes> add_account(const AdminContext& ctx, const std::string& domain_given,
                          const std::string& name, const std::string& password,
                          const std::string& type) {
  std::string domain = ascii_lower(domain_given);
  if (auto r = check_domain_name(domain); !r) return r.error();
  if (auto r = check_account_name(name); !r) return r.error();
  if (auto r = check_password(password); !r) return r.error();
  if (type != "U" && type != "M")
    return Error{ErrorKind::usage, {}, 0, "type", "\"" + type + "\" is not U (user) or M (list)"};
  auto local = is_local_domain(ctx, domain);
  if (!local) return local.error();
  if (!*local)
    return Error{ErrorKind::config, ctx.root.domains_tab(), 0, "domain",
                 "\"" + domain + "\" is not a local domain; add it first (psyncctl domainadd)"};
  auto users = load_users(ctx);
  if (!users) return users.error();
  if (auto hits = users->find(names_account(domain, name)); !hits.empty())
    return table_error(ErrorKind::config, *users, hits[0], "account",
                       "\"" + name + "@" + domain + "\" already exists");
  if (auto aliases = TableFile::load(ctx.root.aliases_tab())) {
    auto hits = aliases->find([&](const TableLine& l) {
      return l.fields.size() >= 3 && iequals(l.fields[0], domain) && iequals(l.fields[1], name);
    });
    if (!hits.empty())
      return table_error(ErrorKind::config, *aliases, hits[0], "alias",
                         "\"" + name + "@" + domain + "\" is an alias; remove it first");
  }
  std::string dir_path = ctx.root.account_dir(domain, name);
  if (fs::exists(dir_path))
    return Error{ErrorKind::config,
                 dir_path,
                 0,
                 {},
                 "the account directory exists already; move it away or remove it first"};
  Notes notes;
  if (auto r = make_account_dir(ctx, domain, name, type); !r) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_path, ignored);
    return r.error();
  }
  notes.push_back("created " + dir_path + "/");
  std::string id = std::to_string(next_id(*users));
  users->append(
      {{domain}, {name}, {spool::encode_password(password)}, {id, false}, {name}, {type}});
  if (auto r = users->save(ctx.fs); !r) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_path, ignored);
    return r.error();
  }
  notes.push_back("added " + name + "@" + domain + " (id " + id + ") to " + users->path());
  note_xmail_index(ctx, "mailusers.tab", notes);
  return notes;
}

Result<Notes> set_account_password(const AdminContext& ctx, const std::string& domain,
                                   const std::string& name, const std::string& password) {
  if (auto r = check_password(password); !r) return r.error();
  auto users = load_users(ctx);
  if (!users) return users.error();
  auto line = find_account(*users, domain, name);
  if (!line) return line.error();
  std::vector<tabfile::OutField> fields;
  for (size_t i = 0; i < (*line)->fields.size(); ++i)
    fields.push_back({i == 2 ? spool::encode_password(password) : (*line)->fields[i], i != 3});
  int number = (*line)->number;
  users->replace([&](const TableLine& l) { return l.number == number; }, fields);
  if (auto r = users->save(ctx.fs); !r) return r.error();
  Notes notes{"set the password of " + name + "@" + domain + " in " + users->path() + ":" +
              std::to_string(number)};
  note_xmail_index(ctx, "mailusers.tab", notes);
  return notes;
}

Result<Notes> remove_account(const AdminContext& ctx, const std::string& domain_given,
                             const std::string& name) {
  std::string domain = ascii_lower(domain_given);
  auto users = load_users(ctx);
  if (!users) return users.error();
  auto line = find_account(*users, domain, name);
  if (!line) return line.error();
  std::string dir = (*line)->fields[4];
  if (!spool::is_safe_path_component(dir))
    return table_error(ErrorKind::config, *users, *line, "field 5 (directory)",
                       "\"" + dir + "\" is not a directory name; fix the line by hand");
  if (size_t n = count_messages(ctx, domain, dir); n > 0)
    return Error{ErrorKind::config,
                 ctx.root.account_dir(domain, dir),
                 0,
                 {},
                 "the mailbox holds " + std::to_string(n) +
                     " message(s); move them away first, so no mail is lost"};
  Notes notes;
  // What XMail's UsrRemoveUser drops with the account: its local links (GwLkRemoveUserLinks),
  // the aliases of its domain that name it (UsrRemoveUserAlias) and the extaliases.tab lines
  // whose local address it is (ExAlRemoveUserAliases).
  auto is_account = [&](std::string_view d, std::string_view n) {
    return iequals(d, domain) && iequals(n, name);
  };
  auto local_link = [&](const TableLine& l) {
    return l.fields.size() >= 2 && is_account(l.fields[0], l.fields[1]);
  };
  auto alias_of = [&](const TableLine& l) {
    return l.fields.size() >= 3 && iequals(l.fields[0], domain) &&
           (iequals(l.fields[2], name) || iequals(l.fields[2], name + "@" + domain));
  };
  auto ext_alias_of = [&](const TableLine& l) {
    return l.fields.size() >= 4 && is_account(l.fields[2], l.fields[3]);
  };
  for (auto [table, match, required] :
       {std::tuple{"pop3links.tab", LineMatch(local_link), true},
        std::tuple{"aliases.tab", LineMatch(alias_of), false},
        std::tuple{"extaliases.tab", LineMatch(ext_alias_of), false}}) {
    if (auto r = drop_records(ctx, table, match, required, notes); !r) return r.error();
  }
  users->remove(names_account(domain, name));
  if (auto r = users->save(ctx.fs); !r) return r.error();
  notes.push_back("removed " + name + "@" + domain + " from " + users->path());
  note_xmail_index(ctx, "mailusers.tab", notes);
  std::error_code ec;
  std::string dir_path = ctx.root.account_dir(domain, dir);
  std::filesystem::remove_all(dir_path, ec);
  if (ec)
    notes.push_back("warning: cannot remove " + dir_path + "/: " + ec.message());
  else
    notes.push_back("removed " + dir_path + "/");
  return notes;
}

Result<std::vector<AccountRow>> list_accounts(const AdminContext& ctx, const std::string& domain) {
  auto users = load_users(ctx);
  if (!users) return users.error();
  std::vector<AccountRow> out;
  for (const auto* line : users->find([&](const TableLine& l) {
         return l.fields.size() >= kUserFields && (domain.empty() || iequals(l.fields[0], domain));
       }))
    out.push_back(
        {line->fields[0], line->fields[1], line->fields[4], line->fields[5], line->fields[3]});
  return out;
}

}  // namespace psyncd::admin
