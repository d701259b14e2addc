#include "pop3d/ip_map.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "common/ascii.hpp"
#include "common/fs.hpp"
#include "tabfile/fields.hpp"

namespace psyncd::pop3d {

namespace {

// A prefix length as a mask of the same family.
IpAddress mask_of_bits(int bits, bool v4) {
  IpAddress m;
  m.v4 = v4;
  int total = v4 ? 32 : 128;
  int start = v4 ? 96 : 0;  // IPv4 lives in the last 4 bytes
  if (v4) {
    for (int i = 0; i < 12; ++i) m.bytes[static_cast<std::size_t>(i)] = 0xff;
  }
  for (int i = 0; i < total && i < bits; ++i) {
    const int bit = start + i;
    m.bytes[static_cast<std::size_t>(bit / 8)] |= static_cast<std::uint8_t>(0x80 >> (bit % 8));
  }
  return m;
}

bool matches(const IpAddress& client, const IpAddress& net, const IpAddress& mask) {
  for (std::size_t i = 0; i < 16; ++i) {
    if ((client.bytes[i] & mask.bytes[i]) != (net.bytes[i] & mask.bytes[i])) return false;
  }
  return true;
}

}  // namespace

std::optional<IpAddress> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string s(text);
  IpAddress a;
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    a.v4 = true;
    a.bytes[10] = a.bytes[11] = 0xff;
    std::memcpy(a.bytes.data() + 12, &v4, 4);
    return a;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) != 1) return std::nullopt;
  std::memcpy(a.bytes.data(), &v6, 16);
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  a.v4 = std::memcmp(a.bytes.data(), kMapped, 12) == 0;
  return a;
}

Result<IpMap> IpMap::load(const std::string& path) {
  if (!fs::exists(path)) return IpMap{};
  auto table = tabfile::read_table(path);
  if (!table) return table.error();
  return from_table(*table);
}

IpMap IpMap::from_table(const tabfile::Table& table) {
  IpMap map;
  map.problems_ = table.problems;
  for (const auto& record : table.records) map.add(table, record);
  return map;
}

void IpMap::add(const tabfile::Table& table, const tabfile::Record& record) {
  const auto& f = record.fields;
  const auto slash = f.empty() ? std::string::npos : f[0].find('/');
  const bool cidr = slash != std::string::npos;
  // "ip/bits" ACTION precedence, or "ip" "mask" ACTION precedence.
  const std::size_t need = cidr ? 3 : 4;
  if (auto p = tabfile::check_field_count(table, record, need)) {
    problems_.push_back(*p);
    return;
  }
  Rule rule;
  const std::string ip_text = cidr ? f[0].substr(0, slash) : f[0];
  auto ip = parse_ip(ip_text);
  if (!ip) {
    problems_.push_back(tabfile::record_problem(
        table, record, 1, "ip", "not an IP address \"" + ip_text + "\" (line ignored)"));
    return;
  }
  rule.net = *ip;
  if (cidr) {
    auto bits = tabfile::parse_number(std::string_view(f[0]).substr(slash + 1));
    if (!bits || *bits > (ip->v4 ? 32 : 128)) {
      problems_.push_back(tabfile::record_problem(
          table, record, 1, "ip", "bad prefix length in \"" + f[0] + "\" (line ignored)"));
      return;
    }
    rule.mask = mask_of_bits(static_cast<int>(*bits), ip->v4);
  } else {
    auto mask = parse_ip(f[1]);
    if (!mask || mask->v4 != ip->v4) {
      problems_.push_back(tabfile::record_problem(table, record, 2, "mask",
                                                  "not a mask \"" + f[1] + "\" (line ignored)"));
      return;
    }
    rule.mask = *mask;
    if (mask->v4) {
      for (std::size_t i = 0; i < 12; ++i) rule.mask.bytes[i] = 0xff;
    }
  }
  const std::size_t action = cidr ? 1 : 2;
  if (iequals(f[action], "ALLOW")) {
    rule.allow = true;
  } else if (iequals(f[action], "DENY")) {
    rule.allow = false;
  } else {
    problems_.push_back(
        tabfile::record_problem(table, record, static_cast<int>(action + 1), "action",
                                "want ALLOW or DENY, got \"" + f[action] + "\" (line ignored)"));
    return;
  }
  auto prec = tabfile::parse_number(f[action + 1], true);
  if (!prec) {
    problems_.push_back(
        tabfile::record_problem(table, record, static_cast<int>(action + 2), "precedence",
                                "not a number \"" + f[action + 1] + "\" (line ignored)"));
    return;
  }
  rule.precedence = *prec;
  rules_.push_back(rule);
}

bool IpMap::allows(const IpAddress& client) const {
  const Rule* best = nullptr;
  for (const auto& r : rules_) {
    if (r.net.v4 != client.v4 || !matches(client, r.net, r.mask)) continue;
    if (!best || r.precedence > best->precedence) best = &r;
  }
  return best == nullptr || best->allow;
}

bool IpMap::allows(std::string_view client_ip) const {
  auto ip = parse_ip(client_ip);
  // An address we cannot read matches no rule: the default (allow) applies, as in XMail.
  return ip ? allows(*ip) : true;
}

}  // namespace psyncd::pop3d
