// Pop3dConfig: everything the POP3 listener needs, filled by the app from XMail's -P*/-B*/-M*
// flags (docs/xmail-formats.md §9.6) and by tests directly. Plain data: no parsing here. Defaults
// are XMail's except where docs/xmail-differences.md "Defaults" says otherwise (idle timeout 600 s
// instead of 90 s).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pop3d/auth.hpp"

namespace psyncd::pop3d {

struct BoundPort {
  bool tls = false;     // POP3S (implicit TLS) listener
  std::string address;  // numeric
  std::uint16_t port = 0;
};

struct Pop3dConfig {
  std::string mail_root;

  bool pop3_enabled = true;            // -P- turns it off
  std::uint16_t pop3_port = 110;       // -Pp; 0 picks a free port (tests)
  std::vector<std::string> pop3_bind;  // -PI ip[:port], repeatable; empty = all addresses
  bool pop3_ipv6 = false;              // -P6 (when no -PI)

  bool pop3s_enabled = true;  // -B-; also off when server.cert/server.key are missing
  std::uint16_t pop3s_port = 995;
  std::vector<std::string> pop3s_bind;  // -BI
  bool pop3s_ipv6 = false;              // -B6

  std::size_t max_sessions = 1024;  // -PX, over all threads
  // Event-loop threads; 0: server.tab Pop3Threads, else the CPUs it may run on (server.hpp).
  std::size_t threads = 0;
  std::chrono::seconds idle_timeout{600};           // -Pt (not XMail's 90: RFC 1939)
  std::chrono::milliseconds bad_login_delay{5000};  // -Pw, doubled per failure
  bool hang_up_on_bad_login = false;                // -Ph
  // Per-IP penalty across sessions (our extension): each failed login from an address within
  // `ip_penalty_window` of the previous one adds `ip_penalty_step`, up to `ip_penalty_max`.
  std::chrono::milliseconds ip_penalty_step{1000};
  std::chrono::milliseconds ip_penalty_max{30000};
  std::chrono::seconds ip_penalty_window{600};
  // The limits below are server.tab variables (read at start-up; a value there wins).
  // Pop3LockoutFailures: from this many failures within ip_penalty_window an address gets no
  // credential check until the window has passed; 0: no lockout.
  int lockout_failures = 10;
  // Pop3LoginTimeout: from connect to a successful login, however active the client; 0: none.
  std::chrono::seconds login_timeout{60};
  // Pop3MaxConnPerIP: connections at once from one address; 0: no cap.
  std::size_t max_per_ip = 100;

  bool log_enabled = false;                       // -Pl: MAIL_ROOT/logs/pop3-YYYYMMDDhhmm
  int log_rotate_hours = 24;                      // -Mr
  MailboxFormat format = MailboxFormat::maildir;  // -MM / -Mm
  std::size_t max_line = 1024;                    // command line cap incl. CRLF (XMail: 1022+2)

  // Called once the sockets are bound (port 0 resolved), before the first accept.
  std::function<void(const std::vector<BoundPort>&)> on_ready;
};

}  // namespace psyncd::pop3d
