#include "tabfile/tab_writer.hpp"

#include <catch2/catch.hpp>
#include <cerrno>

#include "tabfile/tab_reader.hpp"
#include "tests/support/common/faulty_fs.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;
using namespace psyncd::tabfile;

TEST_CASE("quote: XMail's writing form") {
  struct Case {
    const char* name;
    std::string input;
    std::string want;
  };
  const Case cases[] = {
      {"plain", "abc", "\"abc\""},
      {"empty", "", "\"\""},
      {"inner quote escaped", "a\"b", "\"a\\\"b\""},
      {"backslash not escaped", "a\\b", "\"a\\b\""},
      {"trailing backslash (cannot round-trip)", "abc\\", "\"abc\\\""},
      {"spaces kept", " a ", "\" a \""},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(quote(c.input) == c.want);
  }
}

TEST_CASE("format_line: TAB-separated, LF-terminated, numeric fields bare") {
  CHECK(format_line(std::vector<OutField>{{"xmailserver.test", true},
                                          {"xmailuser", true},
                                          {"1d08040c09", true},
                                          {"1", false},
                                          {"xmailuser", true},
                                          {"U", true}}) ==
        "\"xmailserver.test\"\t\"xmailuser\"\t\"1d08040c09\"\t1\t\"xmailuser\"\t\"U\"\n");
  CHECK(format_line(std::vector<std::string>{"PopEnable", "1"}) == "\"PopEnable\"\t\"1\"\n");
  CHECK(format_line(std::vector<std::string>{}) == "\n");
}

TEST_CASE("round_trips: values that survive write + read") {
  struct Case {
    const char* name;
    std::string input;
    bool want;
  };
  const Case cases[] = {
      {"plain", "abc", true},
      {"empty", "", true},
      {"inner quote", "a\"b", true},
      {"inner backslash", "a\\b", true},
      {"spaces", "  ", true},
      {"trailing backslash", "abc\\", false},
      {"backslash quote", "a\\\"b", false},
      {"TAB", "a\tb", false},
      {"CR", "a\rb", false},
      {"LF", "a\nb", false},
      {"NUL", std::string("a\0b", 3), false},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(round_trips(c.input) == c.want);
    if (c.want) {
      Table t = parse(format_line(std::vector<std::string>{c.input, "x"}), "rt.tab");
      REQUIRE(t.records.size() == 1);
      CHECK(t.records[0].fields == std::vector<std::string>{c.input, "x"});
    }
  }
}

TEST_CASE("write_table writes records and verbatim lines, and re-reads them") {
  test::TempDir dir;
  dir.write("t.tab", "old\n");
  std::vector<OutLine> lines = {
      {{}, "# kept comment"},
      {{{"example.test", true}, {"a\"b", true}, {"7", false}}, {}},
  };
  REQUIRE(write_table(fs::posix(), dir / "t.tab", lines).ok());
  CHECK(dir.read("t.tab") == "# kept comment\n\"example.test\"\t\"a\\\"b\"\t7\n");
  auto t = read_table(dir / "t.tab");
  REQUIRE(t.ok());
  REQUIRE(t->records.size() == 1);
  CHECK(t->records[0].line == 2);
  CHECK(t->records[0].fields == std::vector<std::string>{"example.test", "a\"b", "7"});
}

TEST_CASE("write_table keeps the old file when a write fails") {
  test::TempDir dir;
  dir.write("t.tab", "\"old\"\n");
  test::FaultyFs faulty;
  faulty.fail_call(2, ENOSPC);  // the write of the temp file
  auto r = write_table(faulty, dir / "t.tab", {{{{"new", true}}, {}}});
  REQUIRE_FALSE(r.ok());
  CHECK(dir.read("t.tab") == "\"old\"\n");
}
