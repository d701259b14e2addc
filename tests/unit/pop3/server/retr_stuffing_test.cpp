// pop3/server/retr_stuffing: RETR's fast path sends exactly what the DotEncoder alone would,
// whatever the input and however it is split. Its agreement with spool's sizes is checked where
// both layers meet (tests/unit/pop3d/retr_wire_form_test.cpp).
#include "pop3/server/retr_stuffing.hpp"

#include <catch2/catch.hpp>
#include <random>

using namespace psyncd::pop3;

namespace {

std::string by_encoder(std::string_view in, EncoderInput input = EncoderInput::plain) {
  DotEncoder e(input);
  std::string out;
  e.encode(in, out);
  e.finish(out);
  return out;
}

// The fast path fed in pieces of `step` bytes (the last may be shorter).
std::string by_fast_path(std::string_view in, std::size_t step,
                         EncoderInput input = EncoderInput::plain) {
  DotEncoder e(input);
  bool at_line_start = true;
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += step)
    encode_retr(in.substr(i, std::min(step, in.size() - i)), e, at_line_start, out, input);
  e.finish(out);
  return out;
}

}  // namespace

TEST_CASE("clean_lines_prefix: whole CRLF lines without a leading dot") {
  struct Case {
    const char* name;
    std::string in;
    std::size_t want;
  };
  const Case cases[] = {
      {"empty", "", 0},
      {"all clean", "a\r\nbc\r\n\r\n", 9},
      {"stops at a dot line", "a\r\n.b\r\nc\r\n", 3},
      {"stops at a bare LF", "a\r\nb\nc\r\n", 3},
      {"stops at an empty bare-LF line", "a\r\n\nc\r\n", 3},
      {"unfinished last line", "a\r\nbc", 3},
      {"CR at the end of a piece", "a\r\nb\r", 3},
      {"inner CR is data", "a\rb\r\n", 5},
      {"dot first", ".\r\n", 0},
  };
  for (const auto& c : cases) {
    SECTION(c.name) { CHECK(clean_lines_prefix(c.in, EncoderInput::plain) == c.want); }
  }
}

TEST_CASE("clean_lines_prefix, wire form: only a lone dot line stops it") {
  CHECK(clean_lines_prefix("a\r\n..b\r\n.c\r\n") == 12);
  CHECK(clean_lines_prefix("a\r\n.\r\nb\r\n") == 3);
  CHECK(clean_lines_prefix("a\r\n.") == 3);
  CHECK(clean_lines_prefix(".\n") == 0);
}

TEST_CASE("encode_retr: the same bytes as DotEncoder, for any split") {
  const std::string cases[] = {
      "",
      "Subject: x\r\n\r\nbody\r\n",
      ".leading\r\n..two\r\n.\r\nend\r\n",
      "bare\nLF\n.dot\n\nlast",
      "cr\ralone\r\r\n\r\n.\r",
      "no final newline",
      std::string(70000, 'x') + "\r\n.y\r\n",
  };
  for (const auto& in : cases) {
    const std::string want = by_encoder(in);
    for (std::size_t step : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7},
                             std::size_t{16384}, std::size_t{1} << 20}) {
      INFO("input " << in.substr(0, 40) << " step " << step);
      CHECK(by_fast_path(in, step) == want);
    }
  }
}

TEST_CASE("encode_retr: random messages of dots, CR, LF and text match DotEncoder") {
  std::mt19937 rng(12345);
  const char alphabet[] = {'.', '\r', '\n', 'a', 'a', '\r', '\n'};
  for (int round = 0; round < 500; ++round) {
    std::string in(rng() % 200, ' ');
    for (char& c : in) c = alphabet[rng() % sizeof alphabet];
    const std::size_t step = 1 + rng() % 20;
    INFO("round " << round);
    REQUIRE(by_fast_path(in, step) == by_encoder(in));
    REQUIRE(by_fast_path(in, step, EncoderInput::wire_form) ==
            by_encoder(in, EncoderInput::wire_form));
  }
}
