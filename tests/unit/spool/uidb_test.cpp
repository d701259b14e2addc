#include "spool/uidb.hpp"

#include <catch2/catch.hpp>
#include <cerrno>

#include "tests/support/common/faulty_fs.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;

TEST_CASE("uidb path follows XMail's msgsync layout and sanitising") {
  CHECK(spool::uidb_path("/mr", "pop.example.com:995", "joe").value() ==
        "/mr/msgsync/pop.example.com_995/joe.uidb");
  CHECK(spool::uidb_path("/mr", "h", "a/b\\c").value() == "/mr/msgsync/h/a_b_c.uidb");
  SECTION("bad input") {
    auto r = spool::uidb_path("/mr", "..", "joe");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().to_string() == "unsafe msgsync name \"..\" for joe@..");
    CHECK(spool::uidb_path("/mr", "h", "").error().to_string() ==
          "unsafe msgsync name \"\" for @h");
  }
}

TEST_CASE("uidb parse tolerates CRLF and blank lines, keeps everything else exact") {
  struct Case {
    const char* name;
    std::string input;
    std::vector<std::string> want;
  } cases[] = {
      {"LF", "a\nb\n", {"a", "b"}},
      {"CRLF", "a\r\nb\r\n", {"a", "b"}},
      {"no final newline", "a\nb", {"a", "b"}},
      {"blank lines", "\n\na\n\r\n", {"a"}},
      {"spaces kept", " a \n", {" a "}},
      {"empty", "", {}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(spool::parse_uidb(c.input) == c.want);
  }
}

TEST_CASE("uidb write is atomic, creates msgsync/<server>/, and reads back") {
  test::TempDir dir;
  std::string path = spool::uidb_path(dir.path(), "pop:110", "u").value();
  CHECK(spool::read_uidb(path).value().empty());  // missing file = empty
  REQUIRE(spool::write_uidb(fs::posix(), path, {"x1", "x2"}).ok());
  CHECK(dir.read("msgsync/pop_110/u.uidb") == "x1\nx2\n");
  CHECK(spool::read_uidb(path).value() == std::vector<std::string>{"x1", "x2"});

  SECTION("a failure at any call keeps the old file") {
    for (long k = 1; k <= 6; ++k) {
      test::FaultyFs faulty;
      faulty.fail_call(k, EIO);
      auto r = spool::write_uidb(faulty, path, {"y"});
      INFO("failing call " << k);
      REQUIRE_FALSE(r.ok());
      if (k < 6) CHECK(dir.read("msgsync/pop_110/u.uidb") == "x1\nx2\n");
    }
  }
  SECTION("bad input") {
    auto r = spool::write_uidb(fs::posix(), path, {"a\nb"});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().text == "UIDL contains CR or LF");
  }
}
