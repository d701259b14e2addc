// Connection: one POP3 client on a non-blocking socket, adapting the sans-I/O pop3::Session to
// the socket and (for POP3S and after STLS) to an OpenSSL session on the same descriptor. It
// acts on the session's events: TLS start, login delays (-Pw doubling + per-IP penalty, or
// -Ph hang-up), the per-IP charge before credentials are checked (ip_penalty.hpp), the
// login deadline, login logging, deletions at QUIT, close. The server's event loop owns it and
// calls drive() when the socket is ready and on_timer() at deadline(); it never blocks and
// keeps at most the session's bounded output plus OpenSSL's buffers.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "pop3/server/session.hpp"
#include "pop3d/account_db.hpp"
#include "pop3d/auth.hpp"
#include "pop3d/config.hpp"
#include "pop3d/ip_penalty.hpp"
#include "pop3d/log_throttles.hpp"
#include "pop3d/pop3_log.hpp"

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace psyncd::pop3d {

using SteadyTime = std::chrono::steady_clock::time_point;

// What all connections share; owned by the server.
struct ConnectionShared {
  const Pop3dConfig& config;
  AccountDb& db;
  SSL_CTX* tls = nullptr;  // null when no certificate is loaded
  Pop3Log* log = nullptr;  // null without -Pl
  IpPenalty& penalty;
  std::string host;                   // this host's name, for the POP3 log
  ListingCache* listings = nullptr;   // thread-safe; null: list at every login
  LogThrottles* throttles = nullptr;  // thread-safe; null: log every line
};

class Connection {
 public:
  Connection(ConnectionShared& shared, int fd, std::string client_ip, bool implicit_tls,
             pop3::SessionConfig session_config, SteadyTime now);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  enum class Status { alive, again, finished };  // again: call drive() again soon
  Status drive(SteadyTime now);
  Status on_timer(SteadyTime now);

  std::uint32_t interest() const;  // EPOLLIN / EPOLLOUT wanted now
  SteadyTime deadline() const;     // idle timeout, login deadline, or the end of a delay
  bool logged_in() const;          // past the AUTHORIZATION state
  int fd() const { return fd_; }
  const std::string& client_ip() const { return ip_; }

  // Bookkeeping for the server's event loop.
  std::uint32_t registered = 0;
  SteadyTime timer_at = SteadyTime::max();

 private:
  enum class Io { ok, again, closed };
  Io read_some(SteadyTime now);
  Io flush(SteadyTime now);
  Io write_bytes(std::string_view data, std::size_t& written);
  Io handshake();
  bool start_tls();
  bool can_read() const;
  bool handle_events(SteadyTime now);  // true if there were any
  void handle(pop3::SessionEvent& event, SteadyTime now);
  void login_failed(const pop3::SessionEvent& event, SteadyTime now);
  void check_credentials(SteadyTime now);
  void refund_charge();
  void log_login(const std::string& user, bool ok);
  void commit_deletions(const pop3::SessionEvent& event);

  ConnectionShared& sh_;
  int fd_;
  std::string ip_;
  std::string user_;  // the account, once logged in (for log lines)
  Pop3Auth auth_;
  pop3::Session session_;
  SSL* ssl_ = nullptr;
  bool handshaking_ = false;
  bool pending_tls_ = false;   // STLS answered: start TLS once "+OK" is out
  bool closing_ = false;       // close once the output is out
  bool holding_ = false;       // login delay: no output, no input
  bool io_wants_in_ = false;   // the last TLS/socket operation needs readability
  bool io_wants_out_ = false;  // ... writability
  bool charged_ = false;       // IpPenalty::admit() charged this login attempt
  std::size_t retry_len_ = 0;  // TLS: length of an SSL_write to repeat
  SteadyTime last_activity_;
  SteadyTime login_deadline_;  // Pop3LoginTimeout after connect
  SteadyTime hold_until_;
  std::chrono::milliseconds next_delay_;
};

}  // namespace psyncd::pop3d
