#include "pop3/reply.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using psyncd::pop3::parse_reply;
using psyncd::pop3::Reply;

TEST_CASE("parse_reply: status, response code and text") {
  struct Case {
    const char* name;
    std::string line;
    Reply::Status status;
    std::string code;
    std::string text;
  };
  using S = Reply::Status;
  const std::vector<Case> cases = {
      {"plain ok", "+OK 2 320", S::ok, "", "2 320"},
      {"bare ok", "+OK", S::ok, "", ""},
      {"lower case", "+ok fine", S::ok, "", "fine"},
      {"glued text", "+OK, send pass", S::ok, "", ", send pass"},
      {"err", "-ERR no such message", S::err, "", "no such message"},
      {"mixed case err", "-eRr x", S::err, "", "x"},
      {"resp code", "-ERR [IN-USE] locked", S::err, "IN-USE", "locked"},
      {"hierarchic code", "-ERR [SYS/TEMP] later", S::err, "SYS/TEMP", "later"},
      {"code on ok", "+OK [X-FOO] hi", S::ok, "X-FOO", "hi"},
      {"code without text", "-ERR [AUTH]", S::err, "AUTH", ""},
      {"unclosed code is text", "-ERR [AUTH oops", S::err, "", "[AUTH oops"},
      {"empty code is text", "-ERR [] x", S::err, "", "[] x"},
      {"bad slash is text", "-ERR [SYS//TEMP] x", S::err, "", "[SYS//TEMP] x"},
      {"space in code is text", "-ERR [A B] x", S::err, "", "[A B] x"},
      {"continuation", "+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+", S::continuation, "",
       "PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+"},
      {"empty continuation", "+", S::continuation, "", ""},
      {"empty continuation with space", "+ ", S::continuation, "", ""},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = parse_reply(c.line);
    REQUIRE(r.ok());
    CHECK(r->status == c.status);
    CHECK(r->code == c.code);
    CHECK(r->text == c.text);
  }
}

TEST_CASE("parse_reply: bad input") {
  struct Case {
    const char* name;
    std::string line;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"empty", "", "empty reply line"},
      {"garbage", "HELLO", "reply is not +OK, -ERR or a continuation: \"HELLO\""},
      {"plus junk", "+XYZ", "reply is not +OK, -ERR or a continuation: \"+XYZ\""},
      {"control bytes quoted", "\x01\xff",
       "reply is not +OK, -ERR or a continuation: \"\\x01\\xff\""},
      {"short err", "-ER", "reply is not +OK, -ERR or a continuation: \"-ER\""},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = parse_reply(c.line);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == psyncd::ErrorKind::protocol);
    CHECK(r.error().text == c.want);
  }
}

TEST_CASE("Reply::has_code matches whole levels") {
  auto r = parse_reply("-ERR [SYS/TEMP] x");
  REQUIRE(r.ok());
  CHECK(r->has_code("SYS"));
  CHECK(r->has_code("sys/temp"));
  CHECK_FALSE(r->has_code("SY"));
  CHECK_FALSE(r->has_code("AUTH"));
}

TEST_CASE("quote_for_log truncates long input") {
  CHECK(psyncd::pop3::quote_for_log(std::string(70, 'a'), 4) == "\"aaaa...\"");
}
