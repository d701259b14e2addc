// Fuzz target: pop3.ipmap.tab bytes -> tab reader -> IpMap (pop3d/ip_map.hpp). Client
// addresses come from the input's first bytes (as IPv4 and IPv6). Checks: every problem names
// the file; an address printed and parsed again is the same; text and parsed lookups agree;
// an IPv4 client and its IPv4-mapped IPv6 form get the same answer; and a DENY line for the
// client put first with the highest precedence denies it whatever follows.
#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "pop3d/ip_map.hpp"
#include "tabfile/tab_reader.hpp"

namespace {

using psyncd::pop3d::IpMap;

constexpr const char* kFile = "pop3.ipmap.tab";

void require(bool condition) {
  if (!condition) std::abort();
}

IpMap map_of(std::string_view text) {
  return IpMap::from_table(psyncd::tabfile::parse(text, kFile));
}

// The text form of 4 (IPv4) or 16 bytes of an address, as inet_ntop writes it.
std::string address_text(const std::uint8_t* bytes, bool v4) {
  char buf[INET6_ADDRSTRLEN] = {};
  require(inet_ntop(v4 ? AF_INET : AF_INET6, bytes, buf, sizeof buf) != nullptr);
  return buf;
}

void check_client(const IpMap& map, std::string_view table, const std::string& client) {
  auto ip = psyncd::pop3d::parse_ip(client);
  require(ip.has_value());
  auto again = psyncd::pop3d::parse_ip(
      address_text(ip->v4 ? ip->bytes.data() + 12 : ip->bytes.data(), ip->v4));
  require(again && again->v4 == ip->v4 && again->bytes == ip->bytes);
  require(map.allows(*ip) == map.allows(client));
  const bool dotted = client.find(':') == std::string::npos;
  if (dotted) require(map.allows("::ffff:" + client) == map.allows(client));
  // First line, highest precedence: wins every tie and is never outranked.
  std::string denied = client + (ip->v4 ? "/32" : "/128") + "\tDENY\t999999999999999999\n";
  denied.append(table);
  require(!map_of(denied).allows(client));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  IpMap map = map_of(text);
  for (const auto& p : map.problems()) {
    require(p.file == kFile);
    require(!p.to_string().empty());
  }
  if (map.empty()) require(map.allows("192.0.2.1") && map.allows("2001:db8::1"));
  require(map.allows(text.substr(0, 64)) || psyncd::pop3d::parse_ip(text.substr(0, 64)));
  if (size >= 4) check_client(map, text, address_text(data, true));
  if (size >= 16) check_client(map, text, address_text(data, false));
  return 0;
}
