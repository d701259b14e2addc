#include "psync/link_remote.hpp"

#include <catch2/catch.hpp>

using namespace psyncd;
using namespace psyncd::psync;

TEST_CASE("parse_remote: the forms XMail accepts") {
  struct Case {
    const char* input;
    RemoteAddress want;
  };
  const Case cases[] = {
      {"pop.example.com", {"pop.example.com", 110}},
      {"pop.example.com:995", {"pop.example.com", 995}},
      {"pop.example.com|995", {"pop.example.com", 995}},
      {"pop.example.com;995", {"pop.example.com", 995}},
      {"[::1]:11110", {"::1", 11110}},
      {"[::1]", {"::1", 110}},
      {"[fe80::1]|995", {"fe80::1", 995}},
      {"fe80::1|995", {"fe80::1", 995}},
      {"127.0.0.1:11110", {"127.0.0.1", 11110}},
      {"a:b|995", {"a:b", 995}},  // '|' wins over ':'
      {"h;1:2", {"h;1", 2}},      // ':' wins over ';'
  };
  for (const Case& c : cases) {
    INFO(c.input);
    auto r = parse_remote(c.input, kDefaultPop3Port);
    REQUIRE(r.ok());
    CHECK(*r == c.want);
  }
}

TEST_CASE("parse_remote: bad input") {
  struct Case {
    const char* input;
    const char* want;
  };
  const Case cases[] = {
      {"", "empty host"},
      {"host:", "\"host:\": port \"\" is not a number from 1 to 65535"},
      {"host:pop3", "\"host:pop3\": port \"pop3\" is not a number from 1 to 65535"},
      {"host:0", "\"host:0\": port \"0\" is not a number from 1 to 65535"},
      {"host:65536", "\"host:65536\": port \"65536\" is not a number from 1 to 65535"},
      {"host:+110", "\"host:+110\": port \"+110\" is not a number from 1 to 65535"},
      {":110", "\":110\": empty host"},
      {"[::1", "\"[::1\": missing ']'"},
      {"[::1]x", "\"[::1]x\": text after ']' must be :port"},
      {"[]:110", "\"[]:110\": empty host"},
      {"fe80::1", "\"fe80::1\": write an IPv6 address as [addr]:port or addr|port"},
      {"a host", "\"a host\": spaces are not allowed"},
  };
  for (const Case& c : cases) {
    INFO(c.input);
    auto r = parse_remote(c.input, kDefaultPop3Port);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().text == c.want);
    CHECK(r.error().kind == ErrorKind::config);
  }
  CHECK(parse_remote("h:0", 0, true).value() == RemoteAddress{"h", 0});
}
