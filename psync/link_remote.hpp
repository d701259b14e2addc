// Parses POP3LINKS.TAB field 3 (external-domain) and OutBind values: `host`, `host:port`,
// `host|port`, `host;port`, `[v6addr]:port` (docs/xmail-formats.md §3.3). The separator is the last
// '|', else the last ':', else the last ';' (after the ']' when bracketed), as XMail does. Unlike
// XMail's atoi(), a non-numeric, empty or out-of-range port is an error, not port 0.
// It does no name resolution.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace psyncd::psync {

struct RemoteAddress {
  std::string host;   // brackets removed for [v6]
  uint16_t port = 0;  // default_port when the spec has no port

  bool operator==(const RemoteAddress&) const = default;
};

// The default is 110 even for POP3S links, as in XMail (users write host:995).
inline constexpr uint16_t kDefaultPop3Port = 110;

// Fails with kind config and a text saying what is wrong (the caller adds file/line/field).
// allow_port_zero: OutBind may name port 0 ("any").
Result<RemoteAddress> parse_remote(std::string_view spec, uint16_t default_port,
                                   bool allow_port_zero = false);

}  // namespace psyncd::psync
