#include "smtp/reply.hpp"

#include <catch2/catch.hpp>

using namespace psyncd::smtp;

TEST_CASE("reply classes: 2xx/3xx go on, 4xx is temporary, 5xx permanent, junk temporary") {
  CHECK(classify(250) == ReplyClass::positive);
  CHECK(classify(354) == ReplyClass::positive);
  CHECK(classify(421) == ReplyClass::temporary);
  CHECK(classify(452) == ReplyClass::temporary);
  CHECK(classify(550) == ReplyClass::permanent);
  CHECK(classify(554) == ReplyClass::permanent);
  CHECK(classify(0) == ReplyClass::temporary);
  CHECK(classify(199) == ReplyClass::temporary);
}

TEST_CASE("multi-line replies are one reply with the last line's code") {
  ReplyReader reader;
  CHECK_FALSE(reader.feed("250-mx.example.com hello"));
  CHECK_FALSE(reader.feed("250-PIPELINING"));
  auto r = reader.feed("250 SIZE 1000");
  REQUIRE(r);
  CHECK(r->code == 250);
  CHECK(r->text == "mx.example.com hello PIPELINING SIZE 1000");
  auto bare = reader.feed("221");
  REQUIRE(bare);
  CHECK(bare->line() == "221");
}

TEST_CASE("a line that is not a reply is a broken reply (code 0)") {
  ReplyReader reader;
  auto r = reader.feed("hello there");
  REQUIRE(r);
  CHECK(r->code == 0);
  CHECK(classify(r->code) == ReplyClass::temporary);
  auto cut = reader.feed("25");
  REQUIRE(cut);
  CHECK(cut->code == 0);
}

TEST_CASE("a reply's text is cut at kMaxReplyText, however many lines or bytes come") {
  constexpr std::size_t kMax = ReplyReader::kMaxReplyText;
  ReplyReader reader;
  const std::string chunk(100, 'x');
  bool all_open = true;  // 10 MB of continuation lines: no reply yet
  for (int i = 0; i < 100'000; ++i) all_open = all_open && !reader.feed("250-" + chunk);
  CHECK(all_open);
  auto r = reader.feed("250 end");
  REQUIRE(r);
  CHECK(r->code == 250);
  CHECK(r->text.size() == kMax + 4);
  CHECK(r->text.starts_with(chunk + " " + chunk));
  CHECK(r->text.ends_with(" ..."));
  // One long line, and a broken one, are cut the same way; a short one after is whole.
  auto long_line = reader.feed("550 " + std::string(5000, 'y'));
  REQUIRE(long_line);
  CHECK(long_line->text == std::string(kMax, 'y') + " ...");
  auto broken = reader.feed(std::string(5000, 'z'));
  REQUIRE(broken);
  CHECK(broken->code == 0);
  CHECK(broken->text == std::string(kMax, 'z') + " ...");
  auto whole = reader.feed("250 " + std::string(kMax, 'w'));
  REQUIRE(whole);
  CHECK(whole->text == std::string(kMax, 'w'));
}
