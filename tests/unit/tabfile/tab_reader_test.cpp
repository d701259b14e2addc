#include "tabfile/tab_reader.hpp"

#include <catch2/catch.hpp>

#include "common/fs.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;
using namespace psyncd::tabfile;

namespace {

// "line:[f1|f2] ..." so whole tables compare as one string in table-driven cases.
std::string render(const Table& t) {
  std::string out;
  for (const auto& r : t.records) {
    if (!out.empty()) out += ' ';
    out += std::to_string(r.line) + ":[";
    for (size_t i = 0; i < r.fields.size(); ++i) out += (i ? "|" : "") + r.fields[i];
    out += ']';
  }
  return out;
}

std::string render_problems(const Table& t) {
  std::string out;
  for (const auto& p : t.problems) {
    if (!out.empty()) out += '\n';
    out += p.to_string();
  }
  return out;
}

struct Case {
  const char* name;
  std::string input;
  std::string want;
};

}  // namespace

TEST_CASE("parse: XMail's reading rules, one case per tricky input") {
  const Case cases[] = {
      {"two quoted fields", "\"a\"\t\"b\"\n", "1:[a|b]"},
      {"consecutive TABs collapse", "\"a\"\t\t\t\"b\"\n", "1:[a|b]"},
      {"leading and trailing TABs ignored", "\t\"a\"\t\"b\"\t\n", "1:[a|b]"},
      {"empty field written as quotes", "\"a\"\t\"\"\t\"b\"\n", "1:[a||b]"},
      {"escaped quote", "\"a\\\"b\"\n", "1:[a\"b]"},
      {"other backslashes kept", "\"a\\b\\\\c\"\n", "1:[a\\b\\\\c]"},
      {"text after closing quote dropped", "\"abc\"xyz\n", "1:[abc]"},
      {"unterminated quote", "\"abc\n", "1:[abc]"},
      {"escaped quote at end of unterminated", "\"abc\\\"\n", "1:[abc\"]"},
      {"unquoted verbatim with spaces and quotes", " a \"b\" \n", "1:[ a \"b\" ]"},
      {"quote not in first byte is verbatim", "x\"y\"\n", "1:[x\"y\"]"},
      {"spaces do not separate", "\"a\" \"b\"\n", "1:[a]"},
      {"line of only spaces is one field", "   \n", "1:[   ]"},
      {"line of only TABs has no fields", "\t\t\n", "1:[]"},
      {"comment in column 1", "#\"a\"\n\"b\"\n", "2:[b]"},
      {"indented hash is data", "  # x\n", "1:[  # x]"},
      {"hash inside quotes is data", "\"#a\"\n", "1:[#a]"},
      {"blank lines skipped, numbers kept", "\n\r\n\"a\"\n\n\"b\"\n", "3:[a] 5:[b]"},
      {"CRLF", "\"a\"\t\"b\"\r\n\"c\"\r\n", "1:[a|b] 2:[c]"},
      {"CR CR LF", "\"a\"\r\r\n\"b\"\r\r\n", "1:[a] 2:[b]"},
      {"unquoted field loses trailing CR", "a\r\n", "1:[a]"},
      {"lone CR inside a line is data", "\"a\rb\"\n", "1:[a\rb]"},
      {"no final newline", "\"a\"\n\"b\"", "1:[a] 2:[b]"},
      {"empty file", "", ""},
      {"newline only", "\n", ""},
      {"numeric field unquoted", "\"d\"\t\"u\"\t\"1d08040c09\"\t1\t\"u\"\t\"U\"\n",
       "1:[d|u|1d08040c09|1|u|U]"},
      {"BOM kept in field 1 of line 1", "\xEF\xBB\xBF\"a\"\t\"b\"\n", "1:[\xEF\xBB\xBF\"a\"|b]"},
      {"BOM before hash is not a comment", "\xEF\xBB\xBF#x\n", "1:[\xEF\xBB\xBF#x]"},
      {"BOM on line 2 is just data", "\"a\"\n\xEF\xBB\xBF\"b\"\n", "1:[a] 2:[\xEF\xBB\xBF\"b\"]"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(render(parse(c.input, "t.tab")) == c.want);
  }
}

TEST_CASE("parse: bad input is reported with file, line and exact text") {
  ReadOptions limit;
  limit.max_line_bytes = 8;
  struct BadCase {
    const char* name;
    std::string input;
    ReadOptions options;
    std::string want_records;
    std::string want_problems;
  };
  const BadCase cases[] = {
      {"BOM warns",
       "\xEF\xBB\xBF\"a\"\n",
       {},
       "1:[\xEF\xBB\xBF\"a\"]",
       "x.tab:1: field 1: starts with a UTF-8 byte-order mark; XMail keeps it in the value "
       "(warning)"},
      {"over-long line skipped whole, not split", "\"a\"\n\"123456789\"\n\"b\"\n", limit,
       "1:[a] 3:[b]", "x.tab:2: line is 11 bytes, longer than the 8-byte limit (skipped)"},
      {"limit counts bytes without the line ending", "\"123456\"\r\r\n", limit, "1:[123456]", ""},
      {"over-long comment also refused", "#123456789\n", limit, "",
       "x.tab:1: line is 10 bytes, longer than the 8-byte limit (skipped)"},
      {"over-long last line without newline", "\"a\"\n123456789", limit, "1:[a]",
       "x.tab:2: line is 9 bytes, longer than the 8-byte limit (skipped)"},
      {"NUL byte",
       std::string("\"a\0b\"\n\"c\"\n", 10),
       {},
       "2:[c]",
       "x.tab:1: line contains a NUL byte (skipped)"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    Table t = parse(c.input, "x.tab", c.options);
    CHECK(render(t) == c.want_records);
    CHECK(render_problems(t) == c.want_problems);
    for (const auto& p : t.problems) CHECK(p.kind == ErrorKind::config);
  }
}

TEST_CASE("parse: fed one byte at a time, every prefix agrees with the whole") {
  const std::string text =
      "# comment\r\n\"a\"\t\t\"b\\\"c\"\n\n   \n\"unterminated\r\r\n\xEF\xBB\xBF\"x\"\n\"last\"";
  const Table whole = parse(text, "p.tab");
  REQUIRE(whole.records.size() == 5);
  for (size_t n = 0; n <= text.size(); ++n) {
    Table part = parse(std::string_view(text).substr(0, n), "p.tab");
    // Every record but the last (maybe cut) one is exactly the whole file's record.
    for (size_t i = 0; i < part.records.size(); ++i) {
      const auto& r = part.records[i];
      REQUIRE(i < whole.records.size());
      CHECK(r.line == whole.records[i].line);
      if (i + 1 < part.records.size()) CHECK(r.fields == whole.records[i].fields);
    }
  }
  CHECK(render(whole) == "2:[a|b\"c] 4:[   ] 5:[unterminated] 6:[\xEF\xBB\xBF\"x\"] 7:[last]");
}

TEST_CASE("split_fields and dequote on their own") {
  CHECK(split_fields("").empty());
  CHECK(split_fields("\t\t").empty());
  CHECK(split_fields("a\t\tb") == std::vector<std::string_view>{"a", "b"});
  CHECK(dequote("") == "");
  CHECK(dequote("\"") == "");
  CHECK(dequote("\"\"") == "");
  CHECK(dequote("\"\\\"") == "\"");
  CHECK(dequote("\\\"a\"") == "\\\"a\"");
  CHECK(dequote("\"abc\"x\\\"y") == "abc");  // backslash only after the closing quote
  CHECK(dequote("\"a\\b\"c\"") == "a\\b");   // backslash before it, not an escape
}

TEST_CASE("read_table reads a file and fails only when it cannot") {
  test::TempDir dir;
  dir.write("domains.tab", "\"example.test\"\n\"other.test\"");
  auto t = read_table(dir / "domains.tab");
  REQUIRE(t.ok());
  CHECK(render(*t) == "1:[example.test] 2:[other.test]");
  CHECK(t->path == dir / "domains.tab");
  auto missing = read_table(dir / "nope.tab");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::not_found);
}

TEST_CASE("parse: the shipped golden sample") {
  auto t = read_table(std::string(PSYNCD_SOURCE_DIR) + "/tests/data/tabfile/mixed.tab");
  REQUIRE(t.ok());
  auto want = fs::read_file(std::string(PSYNCD_SOURCE_DIR) + "/tests/data/tabfile/mixed.ref");
  REQUIRE(want.ok());
  CHECK(render(*t) + "\n" == *want);
}
