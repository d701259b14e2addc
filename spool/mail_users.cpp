#include "spool/mail_users.hpp"

#include <optional>

#include "common/ascii.hpp"
#include "spool/domains.hpp"
#include "spool/mail_root.hpp"
#include "spool/password.hpp"
#include "tabfile/fields.hpp"

namespace psyncd::spool {

namespace {

std::string key_of(std::string_view domain, std::string_view name) {
  return ascii_lower(domain) + '\t' + ascii_lower(name);
}

}  // namespace

Result<MailUsers> MailUsers::load(const std::string& path) {
  // XMail reads it through a 2048-byte buffer (USR_TABLE_LINE_MAX).
  auto table = tabfile::read_table(path, tabfile::xmail_buffer(2048));
  if (!table) return table.error();
  return from_table(*table);
}

MailUsers MailUsers::from_table(const tabfile::Table& table) {
  MailUsers out;
  out.problems_ = table.problems;
  out.users_.reserve(table.records.size());
  out.by_key_.reserve(table.records.size());
  out.id_lines_.reserve(table.records.size());
  for (const auto& record : table.records) out.add(table, record);
  return out;
}

std::optional<MailUser> MailUsers::read_record(const tabfile::Table& table,
                                               const tabfile::Record& record) {
  auto bad = [&](int field, std::string_view name, const std::string& text) {
    problems_.push_back(
        tabfile::record_problem(table, record, field, name, text + " (line ignored)"));
    return std::nullopt;
  };
  if (auto e = tabfile::check_field_count(table, record, 6)) {
    problems_.push_back(*e);
    return std::nullopt;
  }
  const auto& f = record.fields;
  MailUser user;
  user.domain = f[0];
  user.name = f[1];
  user.dir = f[4];
  user.line = record.line;
  if (!is_safe_path_component(f[0])) return bad(1, "domain", "not a usable domain name");
  auto password = decode_password(f[2]);
  if (!password) return bad(3, "password", password.error().text);
  user.password = std::move(*password);
  auto id = tabfile::parse_number(f[3]);
  if (!id || *id > 0xffffffffLL) return bad(4, "account-id", "\"" + f[3] + "\" is not a number");
  if (*id == 0) return bad(4, "account-id", "0 is reserved");
  user.id = static_cast<uint32_t>(*id);
  if (!is_safe_path_component(f[4])) {
    return bad(5, "account-dir", "\"" + f[4] + "\" is not a usable directory name");
  }
  char type = f[5].empty() ? '\0' : f[5][0];
  if (type == 'M' || type == 'm') {
    user.type = AccountType::mailing_list;
  } else if (type != 'U' && type != 'u') {
    return bad(6, "account-type", "\"" + f[5] + "\" is neither U nor M");
  }
  return user;
}

void MailUsers::add(const tabfile::Table& table, const tabfile::Record& record) {
  auto user = read_record(table, record);
  if (!user) return;
  std::string key = key_of(user->domain, user->name);
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    // XMail's index returns the first match in file order; the later line is dead.
    problems_.push_back(tabfile::record_problem(table, record, 2, "account",
                                                "duplicate account, first defined at line " +
                                                    std::to_string(users_[it->second].line) +
                                                    " (line ignored)"));
    return;
  }
  if (auto it = id_lines_.find(user->id); it != id_lines_.end()) {
    problems_.push_back(
        tabfile::record_problem(table, record, 4, "account-id",
                                "id " + std::to_string(user->id) + " already used at line " +
                                    std::to_string(it->second) + " (line ignored)"));
    return;
  }
  id_lines_.emplace(user->id, user->line);
  by_key_.emplace(std::move(key), users_.size());
  users_.push_back(std::move(*user));
}

const MailUser* MailUsers::find(std::string_view domain, std::string_view name) const {
  auto it = by_key_.find(key_of(domain, name));
  return it == by_key_.end() ? nullptr : &users_[it->second];
}

const MailUser* MailUsers::find(std::string_view domain, std::string_view name,
                                const Domains& domains) const {
  if (const MailUser* user = find(domain, name)) return user;
  auto real = domains.resolve(domain);
  if (!real || iequals(*real, domain)) return nullptr;
  return find(*real, name);
}

}  // namespace psyncd::spool
