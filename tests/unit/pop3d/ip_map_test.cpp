#include "pop3d/ip_map.hpp"

#include <catch2/catch.hpp>

using namespace psyncd;
using namespace psyncd::pop3d;

namespace {

IpMap make(const std::string& text) {
  return IpMap::from_table(tabfile::parse(text, "pop3.ipmap.tab"));
}

std::string problems(const IpMap& m) {
  std::string out;
  for (const auto& p : m.problems()) out += p.to_string() + "\n";
  return out;
}

}  // namespace

TEST_CASE("IpMap: highest precedence among matching lines wins, default allow") {
  struct Case {
    const char* name;
    std::string table;
    const char* ip;
    bool allowed;
  };
  const std::string deny_net = "\"10.0.0.0\"\t\"255.0.0.0\"\t\"DENY\"\t1\n";
  const Case cases[] = {
      {"empty map allows", "", "10.1.2.3", true},
      {"deny by mask", deny_net, "10.1.2.3", false},
      {"outside the mask", deny_net, "11.1.2.3", true},
      {"allow with higher precedence wins",
       deny_net + "\"10.1.0.0\"\t\"255.255.0.0\"\t\"ALLOW\"\t2\n", "10.1.9.9", true},
      {"allow with lower precedence loses",
       deny_net + "\"10.1.0.0\"\t\"255.255.0.0\"\t\"ALLOW\"\t0\n", "10.1.9.9", false},
      {"tie: first line wins",
       "\"0.0.0.0\"\t\"0.0.0.0\"\t\"DENY\"\t1\n\"0.0.0.0\"\t\"0.0.0.0\"\t\"ALLOW\"\t1\n", "1.2.3.4",
       false},
      {"shipped permissive file", "\"0.0.0.0\"\t\"0.0.0.0\"\t\"ALLOW\"\t1\n", "192.0.2.1", true},
      {"cidr form", "\"192.168.0.0/16\"\t\"DENY\"\t1\n", "192.168.4.4", false},
      {"cidr /32 exact", "\"192.168.0.1/32\"\t\"DENY\"\t1\n", "192.168.0.2", true},
      {"action case-insensitive", "\"127.0.0.1/8\"\t\"deny\"\t1\n", "127.0.0.1", false},
      {"ipv6 cidr", "\"2001:db8::/32\"\t\"DENY\"\t1\n", "2001:db8::5", false},
      {"ipv6 rule does not match ipv4", "\"::/0\"\t\"DENY\"\t1\n", "127.0.0.1", true},
      {"ipv4-mapped client matched as ipv4", deny_net, "::ffff:10.0.0.1", false},
      {"negative precedence", "\"0.0.0.0/0\"\t\"DENY\"\t-1\n", "1.1.1.1", false},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      const IpMap m = make(c.table);
      CHECK(problems(m).empty());
      CHECK(m.allows(c.ip) == c.allowed);
    }
  }
}

TEST_CASE("IpMap: bad input") {
  struct Case {
    const char* name;
    std::string table;
    const char* want;
  };
  const Case cases[] = {
      {"too few fields", "\"10.0.0.0\"\t\"255.0.0.0\"\t\"DENY\"\n",
       "pop3.ipmap.tab:1: 3 fields, need at least 4 (line ignored)\n"},
      {"bad ip", "\"10.0.0.300\"\t\"255.0.0.0\"\t\"DENY\"\t1\n",
       "pop3.ipmap.tab:1: field 1 (ip): not an IP address \"10.0.0.300\" (line ignored)\n"},
      {"bad mask", "\"10.0.0.0\"\t\"255.0.x.0\"\t\"DENY\"\t1\n",
       "pop3.ipmap.tab:1: field 2 (mask): not a mask \"255.0.x.0\" (line ignored)\n"},
      {"bad prefix", "\"10.0.0.0/33\"\t\"DENY\"\t1\n",
       "pop3.ipmap.tab:1: field 1 (ip): bad prefix length in \"10.0.0.0/33\" (line ignored)\n"},
      {"bad action", "\"10.0.0.0\"\t\"255.0.0.0\"\t\"REJECT\"\t1\n",
       "pop3.ipmap.tab:1: field 3 (action): want ALLOW or DENY, got \"REJECT\" (line ignored)\n"},
      {"bad precedence", "\"10.0.0.0/8\"\t\"DENY\"\tx\n",
       "pop3.ipmap.tab:1: field 3 (precedence): not a number \"x\" (line ignored)\n"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      const IpMap m = make(c.table);
      CHECK(problems(m) == c.want);
      CHECK(m.empty());
      CHECK(m.allows("10.0.0.1"));
    }
  }
}

TEST_CASE("IpMap: a missing file allows everything") {
  auto m = IpMap::load("/nonexistent/pop3.ipmap.tab");
  REQUIRE(m);
  CHECK(m->empty());
  CHECK(m->allows("10.0.0.1"));
}
