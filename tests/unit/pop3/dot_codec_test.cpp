#include "pop3/dot_codec.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

using psyncd::pop3::DotDecoder;
using psyncd::pop3::DotEncoder;

namespace {

struct Decoded {
  std::string out;
  std::size_t consumed = 0;
  bool done = false;
};

Decoded decode(const std::string& in, std::size_t step) {
  DotDecoder d;
  Decoded r;
  for (std::size_t i = 0; i < in.size(); i += step) {
    auto piece = std::string_view(in).substr(i, step);
    auto s = d.decode(piece, r.out);
    r.consumed += s.consumed;
    if (s.done) {
      r.done = true;
      break;
    }
    REQUIRE(s.consumed == piece.size());  // before the terminator everything is consumed
  }
  return r;
}

std::string encode(const std::string& in, std::size_t step, std::optional<std::uint64_t> top = {}) {
  DotEncoder e(top);
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += step)
    e.encode(std::string_view(in).substr(i, step), out);
  e.finish(out);
  return out;
}

}  // namespace

TEST_CASE("DotDecoder unstuffs and stops at the terminator, any chunking") {
  struct Case {
    const char* name;
    std::string input;
    std::string want;
    std::size_t consumed;
    bool done;
  };
  const std::vector<Case> cases = {
      {"empty body", ".\r\n", "", 3, true},
      {"two lines", "a\r\nb\r\n.\r\n", "a\r\nb\r\n", 9, true},
      {"stuffed dot", "..x\r\n..\r\n.\r\n", ".x\r\n.\r\n", 12, true},
      {"single dot then text", ".x\r\n.\r\n", "x\r\n", 7, true},
      {"bare lf normalised", "a\nb\n.\n", "a\r\nb\r\n", 6, true},
      {"pipelined tail kept", "a\r\n.\r\n+OK next\r\n", "a\r\n", 6, true},
      {"lone cr is data", "a\rb\r\n.\r\n", "a\rb\r\n", 8, true},
      {"dot cr junk", ".\rx\r\n.\r\n", "\rx\r\n", 8, true},
      {"not finished", "a\r\n.", "a\r\n", 4, false},
      {"dot inside line", "a.b\r\n.\r\n", "a.b\r\n", 8, true},
      {"empty lines", "\r\n\r\n.\r\n", "\r\n\r\n", 7, true},
      // Servers that store CRLF files and send every line end as CR CR LF (popa3d, Solid,
      // Courier): one line end, so the header does not end after its first line.
      {"cr cr lf is one line end", "a: 1\r\r\nb: 2\r\r\n\r\r\nbody\r\r\n.\r\n",
       "a: 1\r\nb: 2\r\n\r\nbody\r\n", 27, true},
      {"many crs then lf", "a\r\r\r\n.\r\n", "a\r\n", 8, true},
      {"crs before a non-lf stay data", "a\r\rb\r\n.\r\n", "a\r\rb\r\n", 9, true},
      {"stuffed line with cr cr lf", "..x\r\r\n.\r\n", ".x\r\n", 9, true},
      {"terminator with cr cr lf", "a\r\n.\r\r\n+OK\r\n", "a\r\n", 7, true},
      {"dot crs junk", ".\r\rx\r\n.\r\n", "\r\rx\r\n", 9, true},
      {"crs at the end of a line of a stuffed-only dot", "..\r\r\n.\r\n", ".\r\n", 8, true},
  };
  for (const auto& c : cases) {
    for (std::size_t step : {c.input.size(), std::size_t{1}, std::size_t{2}}) {
      INFO(c.name << " step " << step);
      auto r = decode(c.input, step);
      CHECK(r.out == c.want);
      CHECK(r.consumed == c.consumed);
      CHECK(r.done == c.done);
    }
  }
}

TEST_CASE("DotDecoder consumes nothing after done until reset") {
  DotDecoder d;
  std::string out;
  auto s = d.decode(".\r\nrest", out);
  CHECK(s.consumed == 3);
  CHECK(d.decode("more", out).consumed == 0);
  d.reset();
  CHECK(d.decode("x\r\n.\r\n", out).done);
  CHECK(out == "x\r\n");
}

TEST_CASE("DotEncoder stuffs, normalises line ends and terminates, any chunking") {
  struct Case {
    const char* name;
    std::string input;
    std::string want;
    std::uint64_t octets;
  };
  const std::vector<Case> cases = {
      {"empty message", "", ".\r\n", 0},
      {"crlf lines", "a\r\nb\r\n", "a\r\nb\r\n.\r\n", 6},
      {"bare lf", "a\nb\n", "a\r\nb\r\n.\r\n", 6},
      {"mixed xmail file", "H: v\n\r\nbody\r\n", "H: v\r\n\r\nbody\r\n.\r\n", 14},
      {"leading dots stuffed", ".\r\n.x\n..\r\n", "..\r\n..x\r\n...\r\n.\r\n", 11},
      {"no final newline", "a\r\nlast", "a\r\nlast\r\n.\r\n", 9},
      {"final lone cr", "a\r", "a\r\n.\r\n", 3},
      {"lone cr kept", "a\rb\r\n", "a\rb\r\n.\r\n", 5},
      {"dot after lone cr not stuffed", "a\r.b\n", "a\r.b\r\n.\r\n", 6},
  };
  for (const auto& c : cases) {
    for (std::size_t step :
         {std::max<std::size_t>(c.input.size(), 1), std::size_t{1}, std::size_t{2}}) {
      INFO(c.name << " step " << step);
      CHECK(encode(c.input, step) == c.want);
      DotEncoder e;
      std::string out;
      e.encode(c.input, out);
      e.finish(out);
      CHECK(e.message_octets() == c.octets);
    }
  }
}

TEST_CASE("DotEncoder TOP limit: header, blank line, k body lines") {
  const std::string msg = "A: 1\r\nB: 2\n\r\nl1\r\n.l2\r\nl3\r\n";
  struct Case {
    std::uint64_t k;
    std::string want;
  };
  const std::vector<Case> cases = {
      {0, "A: 1\r\nB: 2\r\n\r\n.\r\n"},
      {1, "A: 1\r\nB: 2\r\n\r\nl1\r\n.\r\n"},
      {2, "A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\n.\r\n"},
      {9, "A: 1\r\nB: 2\r\n\r\nl1\r\n..l2\r\nl3\r\n.\r\n"},
  };
  for (const auto& c : cases) {
    for (std::size_t step : {msg.size(), std::size_t{1}}) {
      INFO("k " << c.k << " step " << step);
      CHECK(encode(msg, step, c.k) == c.want);
    }
  }
  DotEncoder e(std::uint64_t{0});
  std::string out;
  e.encode(msg, out);
  CHECK_FALSE(e.wants_more());
  CHECK(encode("A: 1\r\n", 1, 0) == "A: 1\r\n.\r\n");  // header only, no blank line
}

TEST_CASE("DotEncoder output decodes back to the CRLF message") {
  const std::vector<std::string> messages = {"", "a\r\n", ".\r\n..\r\n", "x\ny\r\n.\n", "z"};
  for (const auto& m : messages) {
    const std::string wire = encode(m, 1);
    auto r = decode(wire, 1);
    CHECK(r.done);
    CHECK(r.consumed == wire.size());
    DotEncoder counter;
    std::string ignored;
    counter.encode(m, ignored);
    counter.finish(ignored);
    CHECK(r.out.size() == counter.message_octets());
  }
}
