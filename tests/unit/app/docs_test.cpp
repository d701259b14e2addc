// docs/admin-guide.md must mention every flag psyncd --help lists, every authtype token the
// link parser knows (read from psync/link_authtype.cpp, so a new token fails this test) and every
// server.tab variable the code reads (found by its get("Name") calls in the sources).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "tests/unit/app/doc_sources.hpp"

namespace {

using psyncd::test::authtype_tokens;
using psyncd::test::help_flags;
using psyncd::test::kSource;
using psyncd::test::slurp;

// Names passed to ServerConfig::get / get_int / get_int_checked anywhere in the libraries.
std::set<std::string> server_tab_variables() {
  static const std::regex call(R"re(\b(?:get|get_int|get_int_checked)\("([A-Z][A-Za-z0-9]+)")re");
  std::set<std::string> out;
  for (const char* dir : {"app", "spool", "mail", "psync", "pop3", "pop3d"}) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(kSource + "/" + dir)) {
      if (e.path().extension() != ".cpp") continue;
      std::string src = slurp(e.path().string());
      for (std::sregex_iterator it(src.begin(), src.end(), call), end; it != end; ++it)
        out.insert((*it)[1].str());
    }
  }
  return out;
}

}  // namespace

TEST_CASE("docs: admin guide names every server.tab variable the code reads") {
  std::string guide = slurp(kSource + "/docs/admin-guide.md");
  auto names = server_tab_variables();
  CHECK(names.count("Pop3Threads") == 1);
  CHECK(names.count("Pop3SyncErrorAccount") == 1);
  CHECK(names.size() >= 10);
  for (const auto& n : names) {
    INFO("server.tab variable " << n);
    CHECK(guide.find("`" + n + "`") != std::string::npos);
  }
}

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

TEST_CASE("docs: admin guide names every delivery command the resolver knows") {
  std::string guide = slurp(kSource + "/docs/admin-guide.md");
  std::string src = slurp(kSource + "/spool/local_resolver.cpp");
  static const std::regex command(R"re(command == "([a-z]+)")re");
  std::set<std::string> names;
  for (std::sregex_iterator it(src.begin(), src.end(), command), end; it != end; ++it)
    names.insert((*it)[1].str());
  CHECK(names.size() == 7);  // mailbox redirect lredirect external filter smtprelay smtp
  for (const auto& n : names) {
    INFO("command " << n);
    CHECK(guide.find("`" + n + "`") != std::string::npos);
  }
}
