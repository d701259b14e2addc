// Domains: the local domains of domains.tab and the alias domains of aliasdomain.tab
// (docs/xmail-formats.md §4.2). Answers "is this domain ours?" and "which real domain does it stand
// for?", case-insensitively, with XMail's wildcards in alias names (wild_match.hpp). It does not
// read custdomains/ (XMail's custom domains, which psyncd does not serve) and keeps no index files.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/result.hpp"
#include "spool/wild_match.hpp"
#include "tabfile/tab_reader.hpp"

namespace psyncd::spool {

class Domains {
 public:
  Domains() = default;

  // domains.tab must be readable; a missing aliasdomain.tab means no aliases (XMail creates
  // it empty). Lines that cannot be used are kept in problems().
  static Result<Domains> load(const std::string& domains_tab, const std::string& aliasdomain_tab);
  // aliasdomain may be null (no aliases).
  static Domains from_tables(const tabfile::Table& domains, const tabfile::Table* aliasdomain);

  // The domain is in domains.tab, or is an alias whose real domain is.
  bool is_local(std::string_view domain) const;
  // Lowercased real domain: the domain itself when it is in domains.tab, else the target of the
  // first matching alias (exact names before wildcard patterns, then file order), else nullopt.
  std::optional<std::string> resolve(std::string_view domain) const;

  // domains.tab entries, lowercased, in file order.
  const std::vector<std::string>& local_domains() const { return local_; }
  const std::vector<Error>& problems() const { return problems_; }

 private:
  struct Alias {
    std::string pattern;  // lowercased
    std::string real;     // lowercased
  };
  bool is_listed(std::string_view lowered) const;
  void add_domains(const tabfile::Table& table);
  void add_aliases(const tabfile::Table& table);

  std::vector<std::string> local_;
  std::unordered_set<std::string> local_set_;  // the same, for lookups
  std::vector<Alias> aliases_;
  std::vector<Error> problems_;
};

}  // namespace psyncd::spool
