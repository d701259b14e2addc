#include "spool/user_config.hpp"

#include "common/fs.hpp"
#include "spool/mail_root.hpp"
#include "tabfile/fields.hpp"

namespace psyncd::spool {

Result<UserConfig> UserConfig::load(const std::string& path) {
  // XMail reads it through a 2048-byte buffer (USR_TABLE_LINE_MAX).
  auto table = tabfile::read_table(path, tabfile::xmail_buffer(2048));
  if (!table) return table.error();
  return from_table(*table);
}

Result<UserConfig> UserConfig::load_defaults(const MailRoot& root, std::string_view domain) {
  std::string per_domain = root.domain_userdef_tab(domain);
  if (fs::exists(per_domain)) return load(per_domain);
  if (fs::exists(root.userdef_tab())) return load(root.userdef_tab());
  return UserConfig{};
}

UserConfig UserConfig::from_table(const tabfile::Table& table) {
  UserConfig out;
  out.problems_ = table.problems;
  for (const auto& record : table.records) {
    if (auto e = tabfile::check_field_count(table, record, 2, 2)) {
      out.problems_.push_back(*e);
      continue;
    }
    if (const Var* first = out.find(record.fields[0])) {
      out.problems_.push_back(tabfile::record_problem(
          table, record, 1, "name",
          "duplicate variable \"" + record.fields[0] + "\", the one at line " +
              std::to_string(first->line) + " wins (line ignored)"));
      continue;
    }
    out.vars_.push_back(Var{record.fields[0], record.fields[1], record.line});
  }
  if (auto v = out.number(table, "PopEnable")) out.pop_enable_ = *v != 0;
  out.max_mb_size_ = out.number(table, "MaxMBSize");
  if (auto v = out.number(table, "Pop3ScanCur")) out.pop3_scan_cur_ = *v > 0;
  return out;
}

const UserConfig::Var* UserConfig::find(std::string_view name) const {
  for (const auto& var : vars_) {
    if (var.name == name) return &var;
  }
  return nullptr;
}

std::optional<long long> UserConfig::number(const tabfile::Table& table, std::string_view name) {
  const Var* var = find(name);
  if (var == nullptr) return std::nullopt;
  auto value = tabfile::parse_number(var->value);
  if (!value) {
    problems_.push_back(Error{ErrorKind::config, table.path, var->line,
                              "field 2 (" + std::string(name) + ")",
                              "\"" + var->value + "\" is not a number (default used)"});
  }
  return value;
}

std::optional<std::string> UserConfig::get(std::string_view name) const {
  const Var* var = find(name);
  if (var == nullptr) return std::nullopt;
  return var->value;
}

}  // namespace psyncd::spool
