#include "tests/support/pop3d/pop3d_fixture.hpp"

#include <sys/stat.h>

#include "spool/password.hpp"

namespace psyncd::test {

Pop3dRoot::Pop3dRoot(const std::string& domain) : domain_(domain) {
  dir_.write("server.tab", "\"RootDomain\"\t\"" + domain + "\"\n");
  dir_.write("domains.tab", "\"" + domain + "\"\n");
  dir_.write("mailusers.tab", "");
  ::mkdir((dir_ / "pop3locks").c_str(), 0700);
  ::mkdir((dir_ / "logs").c_str(), 0700);
}

void Pop3dRoot::add_user(const std::string& name, const std::string& password,
                         const std::string& user_tab) {
  const std::string acct = "domains/" + domain_ + "/" + name + "/";
  dir_.write(acct + "user.tab", user_tab);
  ::mkdir((dir_ / (acct + "Maildir")).c_str(), 0700);
  for (const char* sub : {"new", "cur", "tmp"}) {
    ::mkdir((dir_ / (acct + "Maildir/" + sub)).c_str(), 0700);
  }
  users_ += "\"" + domain_ + "\"\t\"" + name + "\"\t\"" + spool::encode_password(password) +
            "\"\t" + std::to_string(next_id_++) + "\t\"" + name + "\"\t\"U\"\n";
  dir_.write("mailusers.tab", users_);
}

std::string Pop3dRoot::add_message(const std::string& name, const std::string& file_name,
                                   const std::string& data, const std::string& sub) {
  dir_.write("domains/" + domain_ + "/" + name + "/Maildir/" + sub + "/" + file_name, data);
  return file_name;
}

std::string Pop3dRoot::maildir(const std::string& name, const std::string& sub) const {
  return dir_ / ("domains/" + domain_ + "/" + name + "/Maildir/" + sub);
}

}  // namespace psyncd::test
