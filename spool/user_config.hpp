// UserConfig: an account's user.tab, or a userdef.tab (docs/xmail-formats.md §4.3):
// "name"<TAB>"value" lines with exactly 2 fields (other lines are problems, as XMail ignores them),
// first of duplicates wins. Typed getters for the variables POP3 uses: PopEnable, MaxMBSize,
// Pop3ScanCur, each checked at load so a bad value is reported once with file:line. It does not
// write user.tab and does not seed new accounts from userdef.tab.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "tabfile/tab_reader.hpp"

namespace psyncd::spool {

class MailRoot;

class UserConfig {
 public:
  UserConfig() = default;

  // Fails only when the file cannot be read (kind not_found when it does not exist).
  static Result<UserConfig> load(const std::string& path);
  static UserConfig from_table(const tabfile::Table& table);
  // The userdef.tab XMail would use for a new account of `domain`: domains/<dom>/userdef.tab,
  // else MAIL_ROOT/userdef.tab; empty when neither exists.
  static Result<UserConfig> load_defaults(const MailRoot& root, std::string_view domain);

  std::optional<std::string> get(std::string_view name) const;

  // PopEnable: 0 refuses POP3 login. Default true; a bad value also gives the default.
  bool pop_enable() const { return pop_enable_; }
  // MaxMBSize in KB; nullopt when unset (0 also means no limit).
  std::optional<long long> max_mb_size() const { return max_mb_size_; }
  // Pop3ScanCur: list Maildir/cur too. Default false.
  bool pop3_scan_cur() const { return pop3_scan_cur_; }

  const std::vector<Error>& problems() const { return problems_; }

 private:
  struct Var {
    std::string name;
    std::string value;
    int line = 0;
  };
  const Var* find(std::string_view name) const;
  std::optional<long long> number(const tabfile::Table& table, std::string_view name);

  std::vector<Var> vars_;
  bool pop_enable_ = true;
  std::optional<long long> max_mb_size_;
  bool pop3_scan_cur_ = false;
  std::vector<Error> problems_;
};

}  // namespace psyncd::spool
