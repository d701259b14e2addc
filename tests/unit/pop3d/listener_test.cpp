#include "pop3d/listener.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>

using namespace psyncd;
using namespace psyncd::pop3d;

TEST_CASE("parse_bind_spec: -PI/-BI forms") {
  struct Case {
    const char* name;
    const char* spec;
    const char* address;
    int port;
    bool ipv6;
  };
  const Case cases[] = {
      {"ip only", "127.0.0.1", "127.0.0.1", 110, false},
      {"ip and port", "127.0.0.1:1110", "127.0.0.1", 1110, false},
      {"bare ipv6", "::1", "::1", 110, true},
      {"bracketed ipv6 with port", "[::1]:2110", "::1", 2110, true},
      {"bracketed ipv6 without port", "[::1]", "::1", 110, true},
      {"port 0", "0.0.0.0:0", "0.0.0.0", 0, false},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      auto got = parse_bind_spec(c.spec, 110);
      REQUIRE(got);
      CHECK(got->address == c.address);
      CHECK(got->port == c.port);
      CHECK(got->ipv6 == c.ipv6);
    }
  }
}

TEST_CASE("parse_bind_spec: bad input") {
  struct Case {
    const char* name;
    const char* spec;
    const char* want;
  };
  const Case cases[] = {
      {"bad port", "127.0.0.1:x", "bind address \"127.0.0.1:x\": bad port \"x\""},
      {"port too big", "127.0.0.1:65536", "bind address \"127.0.0.1:65536\": bad port \"65536\""},
      {"empty port", "127.0.0.1:", "bind address \"127.0.0.1:\": bad port \"\""},
      {"host name", "localhost:110",
       "bind address \"localhost:110\": not a numeric IP address \"localhost\""},
      {"unclosed bracket", "[::1:110", "bind address \"[::1:110\": missing ']'"},
      {"junk after bracket", "[::1]x", "bind address \"[::1]x\": junk after ']'"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      auto got = parse_bind_spec(c.spec, 110);
      REQUIRE_FALSE(got);
      CHECK(got.error().kind == ErrorKind::usage);
      CHECK(got.error().to_string() == c.want);
    }
  }
}

TEST_CASE("open_listener: port 0 reports the bound port") {
  auto sock = open_listener({"127.0.0.1", 0, false});
  REQUIRE(sock);
  CHECK(sock->port != 0);
  CHECK(sock->address == "127.0.0.1");
  auto again = open_listener({"127.0.0.1", sock->port, false});
  CHECK_FALSE(again);  // the port is taken
  ::close(sock->fd);
}
