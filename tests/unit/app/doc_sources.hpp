// What the documentation tests compare the docs with, read from the code itself: the flags
// psyncd --help lists, the authtype tokens the link parser knows (psync/link_authtype.cpp), and
// file contents. Shared by docs_test.cpp (the guide) and man_pages_test.cpp (the man pages).
#pragma once

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "app/options.hpp"

namespace psyncd::test {

inline const std::string kSource = PSYNCD_SOURCE_DIR;

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The flags a usage text names (-Ms, --once, -P-, ...).
inline std::set<std::string> flags_in(const std::string& usage) {
  static const std::regex flag(R"((?:^|[\s\[(/|])(-{1,2}[A-Za-z0-9][A-Za-z0-9-]*))");
  std::set<std::string> out;
  for (std::sregex_iterator it(usage.begin(), usage.end(), flag), end; it != end; ++it)
    out.insert((*it)[1].str());
  return out;
}

inline std::set<std::string> help_flags() { return flags_in(psyncd::app::usage_text()); }

inline std::set<std::string> authtype_tokens() {
  std::string src = slurp(kSource + "/psync/link_authtype.cpp");
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

}  // namespace psyncd::test
