#include "common/log.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace psyncd;

namespace {

// Captures what reaches the sink while it lives.
struct Captured {
  Captured() {
    old = log::set_sink([this](log::Level, std::string_view m) { lines.emplace_back(m); });
  }
  ~Captured() { log::set_sink(std::move(old)); }
  log::Sink old;
  std::vector<std::string> lines;
};

}  // namespace

TEST_CASE("log::escape: a client's value stays one printable token") {
  struct Case {
    const char* name;
    std::string in;
    std::string want;
  };
  const Case cases[] = {
      {"plain", "alice@example.test", "alice@example.test"},
      {"newline and a forged line", "x\nlogin failed: user=y ip=6.6.6.6",
       "x\\x0alogin\\x20failed:\\x20user=y\\x20ip=6.6.6.6"},
      {"ESC sequence", "a\x1b[2Jb", "a\\x1b[2Jb"},
      {"CR, NUL, DEL", std::string("a\r\0\x7f", 4), "a\\x0d\\x00\\x7f"},
      {"backslash and quote", "a\\x0a\"", "a\\x5cx0a\\x22"},
      {"UTF-8 bytes", "caf\xc3\xa9", "caf\\xc3\\xa9"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) { CHECK(log::escape(c.in) == c.want); }
  }
  SECTION("long values are cut") {
    CHECK(log::escape(std::string(300, 'a')) == std::string(256, 'a') + "...");
    CHECK(log::escape("abcdef", 3) == "abc...");
  }
}

TEST_CASE("log::write: no control byte reaches the sink") {
  Captured c;
  log::warn("user={} end", "x\r\nforged line\x1b[0m");
  REQUIRE(c.lines.size() == 1);
  CHECK(c.lines[0] == "user=x\\x0d\\x0aforged line\\x1b[0m end");
  log::warn("plain {}", "text");
  CHECK(c.lines[1] == "plain text");
}
