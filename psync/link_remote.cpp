#include "psync/link_remote.hpp"

#include <algorithm>

#include "common/decimal.hpp"

namespace psyncd::psync {

namespace {

Error bad(std::string text) { return make_error(ErrorKind::config, std::move(text)); }

bool has_space_or_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
  });
}

// Position of the host/port separator at or after `from`, npos when there is none.
size_t find_separator(std::string_view spec, size_t from) {
  for (char sep : {'|', ':', ';'}) {
    size_t pos = spec.rfind(sep);
    if (pos != std::string_view::npos && pos >= from) return pos;
  }
  return std::string_view::npos;
}

}  // namespace

Result<RemoteAddress> parse_remote(std::string_view spec, uint16_t default_port,
                                   bool allow_port_zero) {
  if (spec.empty()) return bad("empty host");
  if (has_space_or_control(spec))
    return bad("\"" + std::string(spec) + "\": spaces are not allowed");
  RemoteAddress out;
  std::string_view host = spec;
  size_t search_from = 0;
  if (spec.front() == '[') {
    size_t close = spec.find(']');
    if (close == std::string_view::npos) return bad("\"" + std::string(spec) + "\": missing ']'");
    host = spec.substr(1, close - 1);
    search_from = close + 1;
    if (search_from < spec.size() && find_separator(spec, search_from) != search_from)
      return bad("\"" + std::string(spec) + "\": text after ']' must be :port");
  }
  size_t sep = find_separator(spec, search_from);
  if (sep == std::string_view::npos) {
    out.port = default_port;
  } else {
    if (search_from == 0) host = spec.substr(0, sep);
    std::string_view port_text = spec.substr(sep + 1);
    auto port = parse_decimal(port_text, 65535);
    if (!port || (*port == 0 && !allow_port_zero))
      return bad("\"" + std::string(spec) + "\": port \"" + std::string(port_text) +
                 "\" is not a number from 1 to 65535");
    out.port = static_cast<uint16_t>(*port);
  }
  if (host.empty()) return bad("\"" + std::string(spec) + "\": empty host");
  // XMail would split "fe80::1" at its last ':'; say how to write it instead.
  bool piped = sep != std::string_view::npos && spec[sep] == '|';
  if (search_from == 0 && !piped && host.find(':') != std::string_view::npos)
    return bad("\"" + std::string(spec) + "\": write an IPv6 address as [addr]:port or addr|port");
  out.host = std::string(host);
  return out;
}

}  // namespace psyncd::psync
