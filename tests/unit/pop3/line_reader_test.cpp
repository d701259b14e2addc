#include "pop3/line_reader.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using psyncd::pop3::LineReader;

namespace {

// Feeds `input` in pieces of `step` bytes and renders every result: lines as "L:<text>",
// over-long lines as "TOO_LONG".
std::vector<std::string> run(const std::string& input, std::size_t max_line, std::size_t step) {
  LineReader reader(max_line);
  std::vector<std::string> got;
  for (std::size_t i = 0; i < input.size(); i += step) {
    reader.feed(std::string_view(input).substr(i, step));
    while (true) {
      auto n = reader.next();
      if (n.status == LineReader::Status::need_more) break;
      if (n.status == LineReader::Status::too_long)
        got.push_back("TOO_LONG");
      else
        got.push_back("L:" + std::string(n.line));
    }
  }
  return got;
}

}  // namespace

TEST_CASE("LineReader splits lines, whole and one byte at a time") {
  struct Case {
    const char* name;
    std::string input;
    std::size_t max_line;
    std::vector<std::string> want;
  };
  const std::vector<Case> cases = {
      {"crlf", "USER a\r\nPASS b\r\n", 64, {"L:USER a", "L:PASS b"}},
      {"bare lf", "NOOP\nQUIT\n", 64, {"L:NOOP", "L:QUIT"}},
      {"empty line", "\r\n\n", 64, {"L:", "L:"}},
      {"partial tail kept", "STAT\r\nLIS", 64, {"L:STAT"}},
      {"lone cr is data", "A\rB\r\n", 64, {"L:A\rB"}},
      {"cr cr lf is one line end", "+OK 1 a\r\r\n1 b\r\r\r\n", 64, {"L:+OK 1 a", "L:1 b"}},
      {"exactly at cap", "12345678\r\n", 10, {"L:12345678"}},
      {"one over cap", "123456789\r\nok\r\n", 10, {"TOO_LONG", "L:ok"}},
      {"long without lf", std::string(25, 'x') + "\r\nnext\r\n", 10, {"TOO_LONG", "L:next"}},
      {"bare lf at cap", "123456789\n", 10, {"L:123456789"}},
  };
  for (const auto& c : cases) {
    for (std::size_t step : {c.input.size(), std::size_t{1}, std::size_t{3}}) {
      INFO(c.name << " step " << step);
      CHECK(run(c.input, c.max_line, step) == c.want);
    }
  }
}

TEST_CASE("LineReader exposes and discards buffered bytes") {
  LineReader reader(1024);
  reader.feed("STLS\r\nUSER evil\r\nPA");
  auto n = reader.next();
  REQUIRE(n.status == LineReader::Status::line);
  CHECK(n.line == "STLS");
  CHECK(reader.buffered() == "USER evil\r\nPA");
  CHECK(reader.buffered_size() == 13);
  reader.discard();
  CHECK(reader.buffered().empty());
  CHECK(reader.next().status == LineReader::Status::need_more);
  reader.feed("NOOP\r\n");
  CHECK(reader.next().line == "NOOP");
}

TEST_CASE("LineReader reports an over-long line once, then resynchronises") {
  LineReader reader(8);
  reader.feed(std::string(20, 'a'));
  CHECK(reader.next().status == LineReader::Status::too_long);
  reader.feed(std::string(20, 'b'));
  CHECK(reader.next().status == LineReader::Status::need_more);
  CHECK(reader.buffered_size() == 0);  // the skipped line is not kept in memory
  reader.feed("b\r\nQUIT\r\n");
  auto n = reader.next();
  REQUIRE(n.status == LineReader::Status::line);
  CHECK(n.line == "QUIT");
}
