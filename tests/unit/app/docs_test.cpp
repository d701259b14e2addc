// docs/admin-guide.md must mention every flag psyncd --help lists and every authtype token
// the link parser knows (read from psync/authtype.cpp, so a new token fails this test).
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "app/options.hpp"

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kSource = PSYNCD_SOURCE_DIR;

std::set<std::string> help_flags() {
  std::string help = psyncd::app::usage_text();
  static const std::regex flag(R"((?:^|[\s\[(/|])(-{1,2}[A-Za-z0-9][A-Za-z0-9-]*))");
  std::set<std::string> out;
  for (std::sregex_iterator it(help.begin(), help.end(), flag), end; it != end; ++it)
    out.insert((*it)[1].str());
  return out;
}

std::set<std::string> authtype_tokens() {
  std::string src = slurp(kSource + "/psync/authtype.cpp");
  auto start = src.find("kKnown = {");
  auto stop = src.find("};", start);
  REQUIRE(start != std::string::npos);
  std::string list = src.substr(start, stop - start);
  static const std::regex token(R"re("([A-Za-z0-9]+)")re");
  std::set<std::string> out;
  for (std::sregex_iterator it(list.begin(), list.end(), token), end; it != end; ++it)
    out.insert((*it)[1].str());
  return out;
}

}  // namespace

TEST_CASE("docs: admin guide names every --help flag") {
  std::string guide = slurp(kSource + "/docs/admin-guide.md");
  REQUIRE(!guide.empty());
  auto flags = help_flags();
  // Sanity: the extraction found the flags we know are there.
  CHECK(flags.count("-Ms") == 1);
  CHECK(flags.count("--xmail-handoff") == 1);
  CHECK(flags.count("-P-") == 1);
  CHECK(flags.size() >= 30);
  for (const auto& f : flags) {
    INFO("flag " << f);
    CHECK(guide.find("`" + f) != std::string::npos);
  }
}

TEST_CASE("docs: admin guide names every authtype token") {
  std::string guide = slurp(kSource + "/docs/admin-guide.md");
  auto tokens = authtype_tokens();
  CHECK(tokens.size() >= 15);
  CHECK(tokens.count("KeepDays") == 1);
  for (const auto& t : tokens) {
    INFO("token " << t);
    CHECK(guide.find("`" + t) != std::string::npos);
  }
}

TEST_CASE("docs: the sample pop3links.tab shows every authtype token") {
  std::string sample = slurp(kSource + "/samples/pop3links.tab.sample");
  REQUIRE(!sample.empty());
  for (const auto& t : authtype_tokens()) {
    INFO("token " << t);
    CHECK(sample.find(t) != std::string::npos);
  }
}
