// Pop3Log: XMail's POP3 log (-Pl), MAIL_ROOT/logs/pop3-YYYYMMDDhhmm where the stamp is the start
// of the current -Mr rotation window in local time. One line per login, fields in double
// quotes, TAB-separated, LF-ended: server host, domain, client IP, "YYYY-MM-DD hh:mm:ss",
// user, password (always empty: we never log passwords, Pop3LogPasswd is not honoured),
// status ("LOGIN" + message count and bytes, or "ELOGIN"). Appends with O_APPEND writes;
// write() is thread-safe (the server's event loops share one Pop3Log).
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

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
// "pop3-YYYYMMDDhhmm" for the rotation window holding `when`.
std::string pop3_log_name(std::chrono::system_clock::time_point when, int rotate_hours);

class Pop3Log {
 public:
  Pop3Log(std::string logs_dir, int rotate_hours)
      : dir_(std::move(logs_dir)), rotate_hours_(rotate_hours) {}
  ~Pop3Log();
  Pop3Log(const Pop3Log&) = delete;
  Pop3Log& operator=(const Pop3Log&) = delete;

  void write(const Pop3LogEntry& entry, std::chrono::system_clock::time_point when);

 private:
  std::mutex mutex_;  // guards name_ and fd_
  std::string dir_;
  int rotate_hours_;
  std::string name_;
  int fd_ = -1;
};

}  // namespace psyncd::pop3d
