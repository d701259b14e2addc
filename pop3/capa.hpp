// CAPA (RFC 2449): the parsed capability list and the builder for our own CAPA reply.
// The parser takes the lines between "+OK" and "." one at a time, already dot-unstuffed;
// names are matched case-insensitively. It does not send CAPA or decide what to use.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::pop3 {

struct Capabilities {
  bool top = false;
  bool user = false;
  bool uidl = false;
  bool pipelining = false;
  bool resp_codes = false;
  bool auth_resp_code = false;
  bool stls = false;
  std::vector<std::string> sasl;           // mechanism names, upper case, in the server's order
  std::string implementation;              // free text; empty when not sent
  std::optional<std::string> expire;       // "NEVER", days, or "N USER": kept as sent
  std::optional<std::string> login_delay;  // seconds, optionally "USER"
  std::vector<std::string> other;          // unknown capability lines, as sent

  bool has_sasl(std::string_view mechanism) const;
};

// Adds one capability line to caps. Errors (kind protocol): an empty line, a control or
// non-ASCII byte, a SASL line without mechanisms. Repeated lines are harmless.
Result<void> parse_capa_line(std::string_view line, Capabilities& caps);

// Our reply: "+OK Capability list follows\r\n", one line per capability, ".\r\n".
std::string build_capa(const Capabilities& caps);

}  // namespace psyncd::pop3
