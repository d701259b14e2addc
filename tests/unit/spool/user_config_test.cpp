#include "spool/user_config.hpp"

#include <catch2/catch.hpp>

#include "spool/mail_root.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;
using namespace psyncd::spool;

namespace {

UserConfig make(const std::string& text) {
  return UserConfig::from_table(tabfile::parse(text, "user.tab"));
}

std::string render_problems(const UserConfig& u) {
  std::string out;
  for (const auto& p : u.problems()) out += p.to_string() + "\n";
  return out;
}

}  // namespace

TEST_CASE("UserConfig: typed getters and their defaults") {
  struct Case {
    const char* name;
    std::string input;
    bool pop_enable;
    std::optional<long long> max_mb;
    bool scan_cur;
  };
  const Case cases[] = {
      {"empty file: defaults", "", true, std::nullopt, false},
      {"all set", "\"PopEnable\"\t\"0\"\n\"MaxMBSize\"\t\"10240\"\n\"Pop3ScanCur\"\t\"1\"\n", false,
       10240, true},
      {"PopEnable nonzero", "\"PopEnable\"\t\"2\"\n", true, std::nullopt, false},
      {"MaxMBSize 0 (no limit) kept", "\"MaxMBSize\"\t\"0\"\n", true, 0, false},
      {"names case-sensitive", "\"popenable\"\t\"0\"\n", true, std::nullopt, false},
      {"first wins", "\"PopEnable\"\t\"0\"\n\"PopEnable\"\t\"1\"\n", false, std::nullopt, false},
      {"three fields ignored", "\"PopEnable\"\t\"0\"\t\"x\"\n", true, std::nullopt, false},
      {"bad value gives default", "\"PopEnable\"\t\"no\"\n", true, std::nullopt, false},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    UserConfig u = make(c.input);
    CHECK(u.pop_enable() == c.pop_enable);
    CHECK(u.max_mb_size() == c.max_mb);
    CHECK(u.pop3_scan_cur() == c.scan_cur);
  }
  CHECK(make("\"RealName\"\t\"Alice A.\"\n").get("RealName") ==
        std::optional<std::string>("Alice A."));
}

TEST_CASE("UserConfig: bad input, exact messages") {
  UserConfig u = make(
      "\"PopEnable\"\n"
      "\"MaxMBSize\"\t\"10\"\t\"extra\"\n"
      "\"MaxMBSize\"\t\"ten\"\n"
      "\"MaxMBSize\"\t\"20\"\n"
      "\"Pop3ScanCur\"\t\"-1\"\n");
  CHECK(render_problems(u) ==
        "user.tab:1: 1 field, need exactly 2 (line ignored)\n"
        "user.tab:2: 3 fields, need exactly 2 (line ignored)\n"
        "user.tab:4: field 1 (name): duplicate variable \"MaxMBSize\", the one at line 3 wins "
        "(line ignored)\n"
        "user.tab:3: field 2 (MaxMBSize): \"ten\" is not a number (default used)\n"
        "user.tab:5: field 2 (Pop3ScanCur): \"-1\" is not a number (default used)\n");
  CHECK(u.max_mb_size() == std::nullopt);
  CHECK_FALSE(u.pop3_scan_cur());
}

TEST_CASE("UserConfig::load_defaults: domain userdef.tab first, then MAIL_ROOT's") {
  test::TempDir dir;
  MailRoot root(dir.path());
  auto none = UserConfig::load_defaults(root, "ex.test");
  REQUIRE(none.ok());
  CHECK(none->pop_enable());
  dir.write("userdef.tab", "\"MaxMBSize\"\t\"100\"\n");
  auto top = UserConfig::load_defaults(root, "ex.test");
  REQUIRE(top.ok());
  CHECK(top->max_mb_size() == 100);
  dir.write("domains/ex.test/userdef.tab", "\"MaxMBSize\"\t\"5\"\n");
  auto dom = UserConfig::load_defaults(root, "EX.TEST");
  REQUIRE(dom.ok());
  CHECK(dom->max_mb_size() == 5);
  auto user = UserConfig::load(root.user_tab("ex.test", "alice"));
  REQUIRE_FALSE(user.ok());
  CHECK(user.error().kind == ErrorKind::not_found);
}
