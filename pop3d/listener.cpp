#include "pop3d/listener.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/fs.hpp"
#include "tabfile/fields.hpp"

namespace psyncd::pop3d {

Result<BindSpec> parse_bind_spec(std::string_view spec, std::uint16_t default_port) {
  BindSpec out;
  out.port = default_port;
  std::string_view host = spec;
  std::string_view port;
  if (!spec.empty() && spec.front() == '[') {
    const auto close = spec.find(']');
    if (close == std::string_view::npos) {
      return make_error(ErrorKind::usage,
                        "bind address \"" + std::string(spec) + "\": missing ']'");
    }
    host = spec.substr(1, close - 1);
    if (close + 1 < spec.size()) {
      if (spec[close + 1] != ':') {
        return make_error(ErrorKind::usage,
                          "bind address \"" + std::string(spec) + "\": junk after ']'");
      }
      port = spec.substr(close + 2);
    }
    out.ipv6 = true;
  } else if (spec.find(':') != spec.rfind(':')) {
    out.ipv6 = true;  // a bare IPv6 address, no port
  } else if (const auto colon = spec.find(':'); colon != std::string_view::npos) {
    host = spec.substr(0, colon);
    port = spec.substr(colon + 1);
  }
  if (!port.empty() || (spec.size() > 0 && spec.back() == ':')) {
    auto n = tabfile::parse_number(port);
    if (!n || *n > 65535) {
      return make_error(ErrorKind::usage, "bind address \"" + std::string(spec) +
                                              "\": bad port \"" + std::string(port) + "\"");
    }
    out.port = static_cast<std::uint16_t>(*n);
  }
  const std::string h(host);
  unsigned char buf[16];
  if (inet_pton(out.ipv6 ? AF_INET6 : AF_INET, h.c_str(), buf) != 1) {
    return make_error(ErrorKind::usage, "bind address \"" + std::string(spec) +
                                            "\": not a numeric IP address \"" + h + "\"");
  }
  out.address = h;
  return out;
}

Result<ListenSocket> open_listener(const BindSpec& spec, int backlog) {
  const int family = spec.ipv6 ? AF_INET6 : AF_INET;
  const std::string what =
      (spec.address.empty() ? std::string(spec.ipv6 ? "[::]" : "0.0.0.0") : spec.address) + ":" +
      std::to_string(spec.port);
  int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fs::sys_error("socket", what, errno);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (spec.ipv6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(spec.port);
    a->sin6_addr = in6addr_any;
    if (!spec.address.empty()) inet_pton(AF_INET6, spec.address.c_str(), &a->sin6_addr);
    len = sizeof *a;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(spec.port);
    a->sin_addr.s_addr = htonl(INADDR_ANY);
    if (!spec.address.empty()) inet_pton(AF_INET, spec.address.c_str(), &a->sin_addr);
    len = sizeof *a;
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || ::listen(fd, backlog) != 0) {
    const int err = errno;
    ::close(fd);
    return fs::sys_error("listen on", what, err);
  }
  ListenSocket out;
  out.fd = fd;
  len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  char text[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    out.port = ntohs(a->sin6_port);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    out.port = ntohs(a->sin_port);
  }
  out.address = text;
  return out;
}

}  // namespace psyncd::pop3d
