// Pop3Log: XMail's POP3 log (-Pl), MAIL_ROOT/logs/pop3-YYYYMMDDhhmm, written by
// common/xmail_log.hpp (naming, rotation, quoting, file mode). One line per login: server
// host, domain, client IP, "YYYY-MM-DD hh:mm:ss", user, password (always empty: we never log
// passwords, Pop3LogPasswd is not honoured), status ("LOGIN" + message count and bytes, or
// "ELOGIN"). write() is thread-safe (the server's event loops share one Pop3Log).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace psyncd::pop3d {

struct Pop3LogEntry {
  std::string host;
  std::string domain;
  std::string client_ip;
  std::string user;
  bool ok = false;
  std::size_t messages = 0;
  std::uint64_t bytes = 0;
};

// The line for `entry` at local time `when` (no I/O; used by tests).
std::string format_pop3_log_line(const Pop3LogEntry& entry,
                                 std::chrono::system_clock::time_point when);

class Pop3Log {
 public:
  Pop3Log(std::string logs_dir, int rotate_hours)
      : dir_(std::move(logs_dir)), rotate_hours_(static_cast<unsigned>(rotate_hours)) {}

  // Appends the entry's line; a failure is logged as a warning (a login never fails for it).
  void write(const Pop3LogEntry& entry, std::chrono::system_clock::time_point when);

 private:
  std::string dir_;
  unsigned rotate_hours_;
};

}  // namespace psyncd::pop3d
