#include "spool/server_config.hpp"

#include <catch2/catch.hpp>

#include "common/log.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;
using namespace psyncd::spool;

namespace {

ServerConfig make(const std::string& text) {
  return ServerConfig::from_table(tabfile::parse(text, "server.tab"));
}

}  // namespace

TEST_CASE("ServerConfig: names case-sensitive, first wins, extra fields ignored") {
  ServerConfig c = make(
      "\"RootDomain\"\t\"example.test\"\n"
      "\"POP3Domain\"\t\"pop.example.test\"\textra\n"
      "\"rootdomain\"\t\"lower.test\"\n"
      "\"RootDomain\"\t\"second.test\"\n"
      "\"Empty\"\t\"\"\n");
  struct Case {
    const char* name;
    std::optional<std::string> want;
  };
  const Case cases[] = {
      {"RootDomain", "example.test"},
      {"POP3Domain", "pop.example.test"},
      {"rootdomain", "lower.test"},
      {"ROOTDOMAIN", std::nullopt},
      {"Empty", ""},
      {"Missing", std::nullopt},
  };
  for (const auto& k : cases) {
    INFO(k.name);
    CHECK(c.get(k.name) == k.want);
  }
  REQUIRE(c.problems().size() == 1);
  CHECK(c.problems()[0].to_string() ==
        "server.tab:4: field 1 (name): duplicate variable \"RootDomain\", the one at line 1 wins "
        "(line ignored)");
}

TEST_CASE("ServerConfig::get_int: strict numbers, defaults, exact errors") {
  ServerConfig c = make(
      "\"MaxMTAOps\"\t\"16\"\n"
      "\"Neg\"\t\"-3\"\n"
      "\"Bad\"\t\"12abc\"\n"
      "\"Spaced\"\t\" 5\"\n"
      "\"OnlyName\"\n");
  CHECK(c.get_int("MaxMTAOps", 1) == 16);
  CHECK(c.get_int("Neg", 1) == -3);
  CHECK(c.get_int("Missing", 42) == 42);
  auto bad = c.get_int_checked("Bad", 7);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().to_string() == "server.tab:3: field 2 (Bad): \"12abc\" is not a number");
  CHECK(c.get_int_checked("Spaced", 7).error().to_string() ==
        "server.tab:4: field 2 (Spaced): \" 5\" is not a number");

  std::vector<std::string> logged;
  auto old = log::set_sink([&](log::Level, std::string_view m) { logged.emplace_back(m); });
  CHECK(c.get_int("Bad", 7) == 7);
  log::set_sink(old);
  REQUIRE(logged.size() == 1);
  CHECK(logged[0] == "server.tab:3: field 2 (Bad): \"12abc\" is not a number (using 7)");

  REQUIRE(c.problems().size() == 1);
  CHECK(c.problems()[0].to_string() == "server.tab:5: 1 field, need at least 2 (line ignored)");
}

TEST_CASE("ServerConfig::load") {
  test::TempDir dir;
  dir.write("server.tab", "# sample\r\n\"RootDomain\"\t\"example.test\"\r\n");
  auto c = ServerConfig::load(dir / "server.tab");
  REQUIRE(c.ok());
  CHECK(c->get("RootDomain") == std::optional<std::string>("example.test"));
  auto missing = ServerConfig::load(dir / "nope.tab");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::not_found);
}
