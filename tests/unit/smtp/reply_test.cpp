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
