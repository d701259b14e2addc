// MailUsers: the accounts of mailusers.tab (docs/xmail-formats.md §4.1) with decoded passwords,
// looked up by domain and name case-insensitively, optionally through alias domains. Lines XMail
// would not see (too few fields, bad password encoding) and lines we refuse (bad or duplicate id,
// unsafe directory, duplicate account) are kept as problems naming file:line. Read-only: adding or
// removing accounts is not done here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "tabfile/tab_reader.hpp"

namespace psyncd::spool {

class Domains;

enum class AccountType { user, mailing_list };

struct MailUser {
  std::string domain;    // as written in the table
  std::string name;      // as written in the table
  std::string password;  // decoded (docs/xmail-formats.md §2)
  uint32_t id = 0;       // unique, never 0
  std::string dir;       // account directory under domains/<domain>/, case kept
  AccountType type = AccountType::user;
  int line = 0;  // where it was read, for diagnostics
};

class MailUsers {
 public:
  MailUsers() = default;

  // Fails only when the file cannot be read.
  static Result<MailUsers> load(const std::string& path);
  static MailUsers from_table(const tabfile::Table& table);

  // Exact domain, case-insensitive; nullptr when unknown.
  const MailUser* find(std::string_view domain, std::string_view name) const;
  // As above; when not found, retried with the real domain of an alias domain (as XMail does).
  const MailUser* find(std::string_view domain, std::string_view name,
                       const Domains& domains) const;

  const std::vector<MailUser>& users() const { return users_; }
  const std::vector<Error>& problems() const { return problems_; }

 private:
  void add(const tabfile::Table& table, const tabfile::Record& record);
  std::optional<MailUser> read_record(const tabfile::Table& table, const tabfile::Record& record);

  std::vector<MailUser> users_;
  std::unordered_map<std::string, size_t> by_key_;  // "domain\tname" lowercased -> index
  std::unordered_map<uint32_t, int> id_lines_;      // id -> line of its first use
  std::vector<Error> problems_;
};

}  // namespace psyncd::spool
