#include "spool/domains.hpp"

#include "common/ascii.hpp"
#include "common/fs.hpp"
#include "spool/mail_root.hpp"
#include "tabfile/fields.hpp"

namespace psyncd::spool {

namespace {

// XMail reads domains.tab and aliasdomain.tab through 512-byte buffers.
constexpr tabfile::ReadOptions kBuffer = tabfile::xmail_buffer(512);

}  // namespace

Result<Domains> Domains::load(const std::string& domains_tab, const std::string& aliasdomain_tab) {
  auto domains = tabfile::read_table(domains_tab, kBuffer);
  if (!domains) return domains.error();
  if (!fs::exists(aliasdomain_tab)) return from_tables(*domains, nullptr);
  auto aliases = tabfile::read_table(aliasdomain_tab, kBuffer);
  if (!aliases) return aliases.error();
  return from_tables(*domains, &*aliases);
}

Domains Domains::from_tables(const tabfile::Table& domains, const tabfile::Table* aliasdomain) {
  Domains out;
  out.add_domains(domains);
  if (aliasdomain != nullptr) out.add_aliases(*aliasdomain);
  return out;
}

void Domains::add_domains(const tabfile::Table& table) {
  problems_.insert(problems_.end(), table.problems.begin(), table.problems.end());
  for (const auto& record : table.records) {
    if (auto e = tabfile::check_field_count(table, record, 1)) {
      problems_.push_back(*e);
      continue;
    }
    const std::string& name = record.fields[0];
    if (!is_safe_path_component(name)) {
      // The domain names a directory under domains/.
      problems_.push_back(tabfile::record_problem(table, record, 1, "domain",
                                                  "\"" + name +
                                                      "\" is not a usable domain name "
                                                      "(line ignored)"));
      continue;
    }
    std::string lowered = ascii_lower(name);
    if (is_listed(lowered)) {
      problems_.push_back(
          tabfile::record_problem(table, record, 1, "domain", "duplicate domain \"" + name + "\""));
      continue;
    }
    local_set_.insert(lowered);
    local_.push_back(std::move(lowered));
  }
}

void Domains::add_aliases(const tabfile::Table& table) {
  problems_.insert(problems_.end(), table.problems.begin(), table.problems.end());
  for (const auto& record : table.records) {
    if (auto e = tabfile::check_field_count(table, record, 2)) {
      problems_.push_back(*e);
      continue;
    }
    Alias alias{ascii_lower(record.fields[0]), ascii_lower(record.fields[1])};
    if (!is_listed(alias.real)) {
      // Kept: XMail accepts it too, but nothing can be delivered there.
      problems_.push_back(tabfile::record_problem(
          table, record, 2, "real-domain",
          "\"" + record.fields[1] + "\" is not in domains.tab (alias not local)"));
    }
    aliases_.push_back(std::move(alias));
  }
}

bool Domains::is_listed(std::string_view lowered) const {
  return local_set_.count(std::string(lowered)) > 0;
}

std::optional<std::string> Domains::resolve(std::string_view domain) const {
  std::string lowered = ascii_lower(domain);
  if (is_listed(lowered)) return lowered;
  for (const auto& alias : aliases_) {
    if (!has_wildcard(alias.pattern) && alias.pattern == lowered) return alias.real;
  }
  for (const auto& alias : aliases_) {
    if (has_wildcard(alias.pattern) && wildcard_match(alias.pattern, lowered)) return alias.real;
  }
  return std::nullopt;
}

bool Domains::is_local(std::string_view domain) const {
  auto real = resolve(domain);
  return real && is_listed(*real);
}

}  // namespace psyncd::spool
