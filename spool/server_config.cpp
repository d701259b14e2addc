#include "spool/server_config.hpp"

#include <algorithm>

#include "common/log.hpp"
#include "tabfile/fields.hpp"

namespace psyncd::spool {

Result<ServerConfig> ServerConfig::load(const std::string& path) {
  // XMail reads it through a 2048-byte buffer (SVR_PROFILE_LINE_MAX).
  auto table = tabfile::read_table(path, tabfile::xmail_buffer(2048));
  if (!table) return table.error();
  return from_table(*table);
}

ServerConfig ServerConfig::from_table(const tabfile::Table& table) {
  ServerConfig out;
  out.path_ = table.path;
  out.problems_ = table.problems;
  for (const auto& record : table.records) {
    if (auto e = tabfile::check_field_count(table, record, 2)) {
      out.problems_.push_back(*e);
      continue;
    }
    const std::string& name = record.fields[0];
    auto [it, added] = out.entries_.try_emplace(name, Entry{record.fields[1], record.line});
    if (!added) {
      out.problems_.push_back(
          tabfile::record_problem(table, record, 1, "name",
                                  "duplicate variable \"" + name + "\", the one at line " +
                                      std::to_string(it->second.line) + " wins (line ignored)"));
    }
  }
  return out;
}

std::optional<std::string> ServerConfig::get(std::string_view name) const {
  auto it = entries_.find(std::string(name));
  if (it == entries_.end()) return std::nullopt;
  return it->second.value;
}

Result<long long> ServerConfig::get_int_checked(std::string_view name,
                                                long long default_value) const {
  auto it = entries_.find(std::string(name));
  if (it == entries_.end()) return default_value;
  auto number = tabfile::parse_number(it->second.value, true);
  if (!number) {
    return Error{ErrorKind::config, path_, it->second.line, "field 2 (" + std::string(name) + ")",
                 "\"" + it->second.value + "\" is not a number"};
  }
  return *number;
}

std::vector<ServerConfig::Variable> ServerConfig::variables() const {
  std::vector<Variable> out;
  for (const auto& [name, entry] : entries_) out.push_back(Variable{name, entry.line});
  std::sort(out.begin(), out.end(),
            [](const Variable& a, const Variable& b) { return a.line < b.line; });
  return out;
}

long long ServerConfig::get_int(std::string_view name, long long default_value) const {
  auto r = get_int_checked(name, default_value);
  if (r) return *r;
  log::warn("{} (using {})", r.error().to_string(), default_value);
  return default_value;
}

}  // namespace psyncd::spool
