// A temp MAIL_ROOT for the pop3d tests: server.tab, domains.tab, mailusers.tab, accounts with
// Maildir/{new,cur,tmp} and user.tab, pop3locks/ and logs/. Owned by tests/unit/pop3d/*.
#pragma once

#include <string>

#include "tests/support/common/temp_dir.hpp"

namespace psyncd::test {

class Pop3dRoot {
 public:
  explicit Pop3dRoot(const std::string& domain = "example.test");

  const std::string& path() const { return dir_.path(); }
  // Adds a "U" account `name` with `password` (encoded as XMail does) and its Maildir.
  void add_user(const std::string& name, const std::string& password,
                const std::string& user_tab = "\"PopEnable\"\t\"1\"\n");
  // Writes a message file into the account's Maildir/new/ (or `sub`); returns its name.
  std::string add_message(const std::string& name, const std::string& file_name,
                          const std::string& data, const std::string& sub = "new");
  std::string maildir(const std::string& name, const std::string& sub = "new") const;
  void write(const std::string& rel, const std::string& text) const { dir_.write(rel, text); }
  const std::string& domain() const { return domain_; }

 private:
  TempDir dir_;
  std::string domain_;
  std::string users_;
  int next_id_ = 1;
};

}  // namespace psyncd::test
