#include "spool/aliases.hpp"

#include "common/ascii.hpp"
#include "common/fs.hpp"
#include "spool/wild_match.hpp"
#include "tabfile/fields.hpp"

namespace psyncd::spool {

namespace {

std::string key_of(std::string_view domain, std::string_view alias) {
  return ascii_lower(domain) + '\t' + ascii_lower(alias);
}

}  // namespace

Result<Aliases> Aliases::load(const std::string& path) {
  if (!fs::exists(path)) return Aliases{};
  // XMail reads it through a 2048-byte buffer, as mailusers.tab.
  auto table = tabfile::read_table(path, tabfile::xmail_buffer(2048));
  if (!table) return table.error();
  return from_table(*table);
}

Aliases Aliases::from_table(const tabfile::Table& table) {
  Aliases out;
  out.problems_ = table.problems;
  for (const auto& record : table.records) {
    if (auto e = tabfile::check_field_count(table, record, 3)) {
      out.problems_.push_back(*e);
      continue;
    }
    const auto& f = record.fields;
    if (has_wildcard(f[0]) || has_wildcard(f[1])) {
      out.wild_.push_back(Line{f[0], f[1], f[2]});
      continue;
    }
    auto [it, fresh] = out.exact_.try_emplace(key_of(f[0], f[1]), f[2]);
    if (!fresh) {
      // XMail's index returns the first line in file order; this one is never used.
      out.problems_.push_back(tabfile::record_problem(
          table, record, 2, "alias",
          "duplicate alias \"" + f[1] + "@" + f[0] + "\" (line ignored; the first one is used)"));
    }
  }
  return out;
}

std::optional<std::string> Aliases::lookup(std::string_view domain, std::string_view local) const {
  if (auto it = exact_.find(key_of(domain, local)); it != exact_.end()) return it->second;
  const Line* best = nullptr;
  size_t best_length = 0;
  for (const Line& line : wild_) {
    if (!wildcard_match(line.domain, domain) || !wildcard_match(line.alias, local)) continue;
    size_t length = line.domain.size() + line.alias.size();
    if (best == nullptr || length > best_length) {
      best = &line;
      best_length = length;
    }
  }
  if (best == nullptr) return std::nullopt;
  return best->account;
}

}  // namespace psyncd::spool
