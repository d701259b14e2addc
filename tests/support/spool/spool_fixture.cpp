#include "tests/support/spool/spool_fixture.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace psyncd::test {

std::string make_maildir(const std::string& root, const std::string& domain,
                         const std::string& account) {
  std::string md = root + "/domains/" + domain + "/" + account + "/Maildir";
  for (const char* sub : {"tmp", "new", "cur"}) std::filesystem::create_directories(md + "/" + sub);
  return md;
}

std::vector<std::string> list_names(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace psyncd::test
