// Connection: one POP3 connection ready for use — a CurlTransport (connected, greeting
// and CAPA read, TLS done) plus the Client driving it — made in one call for the fetch
// engine. It does not log in: call connection.client->login() next. Dropping the object
// closes the socket without QUIT, so uncommitted DELEs are discarded by the server.
#pragma once

#include <chrono>
#include <memory>

#include "common/result.hpp"
#include "pop3/client/client.hpp"
#include "pop3/client/curl_transport.hpp"

namespace psyncd::pop3 {

struct Connection {
  std::unique_ptr<CurlTransport> transport;
  std::unique_ptr<Client> client;  // refers to *transport; destroyed first
  ~Connection() { client.reset(); }
  Connection() = default;
  Connection(Connection&&) = default;
  Connection& operator=(Connection&&) = default;
};

// `io_timeout` bounds every later wait (XMail's -YT applies to connect and to each reply).
// ClientOptions::peer is filled with "host:port" when left empty.
Result<Connection> open_connection(const ConnectOptions& connect, ClientOptions options,
                                   std::chrono::milliseconds io_timeout);

}  // namespace psyncd::pop3
