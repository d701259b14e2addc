// Aliases: XMail's aliases.tab ("domain" "alias" "account"), looked up as UsrAliasLookupName
// (UsrUtils.cpp) does: first the exact lines (case-insensitive, the first in file order wins),
// then the wildcard lines (a '*' or '?' in the domain or the alias, wild_match.hpp), of which
// the one with the longest domain + alias text wins (the first on a tie). The account is
// "name" (same domain) or "name@domain". Lines with fewer than 3 fields are problems, as XMail
// skips them. Read-only; it does not follow the account further (user_lookup.hpp does).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "tabfile/tab_reader.hpp"

namespace psyncd::spool {

class Aliases {
 public:
  Aliases() = default;

  // A missing file means no aliases (XMail creates it empty); fails only on a read error.
  static Result<Aliases> load(const std::string& path);
  static Aliases from_table(const tabfile::Table& table);

  // The account field of the alias line for local@domain, or nullopt.
  std::optional<std::string> lookup(std::string_view domain, std::string_view local) const;

  const std::vector<Error>& problems() const { return problems_; }
  size_t size() const { return exact_.size() + wild_.size(); }

 private:
  struct Line {
    std::string domain;
    std::string alias;
    std::string account;
  };
  std::unordered_map<std::string, std::string> exact_;  // "domain\talias" lowercased -> account
  std::vector<Line> wild_;
  std::vector<Error> problems_;
};

}  // namespace psyncd::spool
