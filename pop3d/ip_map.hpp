// IpMap: XMail's pop3.ipmap.tab (docs/xmail-formats.md §4.5), global in MAIL_ROOT and per account:
// lines of "ip"<TAB>"mask"<TAB>"ALLOW|DENY"<TAB>precedence, or "ip/bits" in field 1 with the mask
// field left out. Among the lines matching a client address the highest precedence wins (the first
// such line on a tie); no match means allow. IPv4 and IPv6; an IPv4-mapped IPv6 client is matched
// as IPv4. Bad lines are problems naming file:line:field and are ignored. No I/O beyond load().
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "tabfile/tab_reader.hpp"

namespace psyncd::pop3d {

// An address as 16 bytes (IPv4 stored as ::ffff:a.b.c.d).
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool v4 = false;
};

std::optional<IpAddress> parse_ip(std::string_view text);

class IpMap {
 public:
  IpMap() = default;

  // A missing file is an empty map (everything allowed); other read errors fail.
  static Result<IpMap> load(const std::string& path);
  static IpMap from_table(const tabfile::Table& table);

  bool allows(const IpAddress& client) const;
  bool allows(std::string_view client_ip) const;
  bool empty() const { return rules_.empty(); }
  const std::vector<Error>& problems() const { return problems_; }

 private:
  struct Rule {
    IpAddress net;
    IpAddress mask;
    bool allow = true;
    long long precedence = 0;
  };
  void add(const tabfile::Table& table, const tabfile::Record& record);

  std::vector<Rule> rules_;
  std::vector<Error> problems_;
};

}  // namespace psyncd::pop3d
