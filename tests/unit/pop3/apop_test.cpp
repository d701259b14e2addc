#include "pop3/apop.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "pop3/base64.hpp"

using namespace psyncd::pop3;

TEST_CASE("apop_timestamp extracts the first <...>") {
  struct Case {
    const char* name;
    std::string greeting;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"rfc 1939", "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>",
       "<1896.697170952@dbc.mtview.ca.us>"},
      {"xmail", "+OK <1700000000.1234@example.test> [XMail 1.27 POP3 Server] service ready",
       "<1700000000.1234@example.test>"},
      {"first of two", "+OK <a@b> <c@d>", "<a@b>"},
      {"no at sign allowed", "+OK ready <12345.678>", "<12345.678>"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = apop_timestamp(c.greeting);
    REQUIRE(r.ok());
    CHECK(*r == c.want);
  }
}

TEST_CASE("apop_timestamp: bad input") {
  struct Case {
    const char* name;
    std::string greeting;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"none", "+OK ready", "greeting has no APOP timestamp"},
      {"unterminated", "+OK <abc@def", "APOP timestamp has no closing '>'"},
      {"empty", "+OK <> x", "APOP timestamp is empty"},
      {"space", "+OK <a b@c>", "APOP timestamp holds an invalid byte: \"<a b@c>\""},
      {"nested", "+OK <a<b@c>", "APOP timestamp holds an invalid byte: \"<a<b@c>\""},
      {"non ascii", "+OK <\xe9@c>", "APOP timestamp holds an invalid byte: \"<\\xe9@c>\""},
      {"too long", "+OK <" + std::string(300, 'a') + ">",
       "APOP timestamp is longer than 256 bytes"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = apop_timestamp(c.greeting);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().text == c.want);
  }
}

TEST_CASE("apop_digest matches RFC 1939's example") {
  CHECK(apop_digest("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf") ==
        "c4c9334bac560ecc979e58001b3e22fb");
}

TEST_CASE("base64 round trips and rejects sloppy input") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", ""},        {"f", "Zg=="},        {"fo", "Zm8="},
      {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {std::string("\0u\0p", 4), "AHUAcA=="}};
  for (const auto& [raw, enc] : cases) {
    CHECK(base64_encode(raw) == enc);
    auto d = base64_decode(enc);
    REQUIRE(d.has_value());
    CHECK(*d == raw);
  }
  for (const char* bad : {"Zg=", "Zg", "Z===", "Zm9v\r\n", "Zh==", "Zm=v", "Zm9$", "=Zm9"}) {
    INFO(bad);
    CHECK_FALSE(base64_decode(bad).has_value());
  }
}
