// Listener sockets for -PI/-BI bind specs (docs/xmail-formats.md §9.6): "ip", "ip:port",
// "[v6]:port"; without a spec, all addresses (IPv4, or IPv6 with -P6/-B6) on the default port.
// Port 0 binds a free port and bound_port() tells which. Sockets are non-blocking,
// close-on-exec, SO_REUSEADDR. It does not accept connections (server.hpp does).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::pop3d {

struct BindSpec {
  std::string address;  // numeric; "" = any
  std::uint16_t port = 0;
  bool ipv6 = false;
};

// Errors name the spec: `-PI "1.2.3.4:x": bad port "x"`.
Result<BindSpec> parse_bind_spec(std::string_view spec, std::uint16_t default_port);

struct ListenSocket {
  int fd = -1;
  std::string address;
  std::uint16_t port = 0;
};

Result<ListenSocket> open_listener(const BindSpec& spec, int backlog = 1024);

}  // namespace psyncd::pop3d
