#include "pop3/client/connection.hpp"

#include <fmt/format.h>

#include <utility>

namespace psyncd::pop3 {

Result<Connection> open_connection(const ConnectOptions& connect, ClientOptions options,
                                   std::chrono::milliseconds io_timeout) {
  auto transport = CurlTransport::connect(connect);
  if (!transport) return transport.error();
  if (options.peer.empty()) {
    const std::uint16_t port = connect.port != 0               ? connect.port
                               : connect.tls == TlsMode::pop3s ? std::uint16_t{995}
                                                               : std::uint16_t{110};
    options.peer = fmt::format("{}:{}", connect.host, port);
  }
  Connection c;
  c.transport = std::move(*transport);
  c.client = std::make_unique<Client>(*c.transport, std::move(options), io_timeout);
  return c;
}

}  // namespace psyncd::pop3
