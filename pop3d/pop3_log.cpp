#include "pop3d/pop3_log.hpp"

#include "common/log.hpp"
#include "common/xmail_log.hpp"

namespace psyncd::pop3d {

std::string format_pop3_log_line(const Pop3LogEntry& e,
                                 std::chrono::system_clock::time_point when) {
  const std::string time = xmail_log::local_time(when);
  if (!e.ok) {
    return xmail_log::format_line({e.host, e.domain, e.client_ip, time, e.user, "", "ELOGIN"});
  }
  return xmail_log::format_line({e.host, e.domain, e.client_ip, time, e.user, "", "LOGIN",
                                 std::to_string(e.messages), std::to_string(e.bytes)});
}

void Pop3Log::write(const Pop3LogEntry& entry, std::chrono::system_clock::time_point when) {
  auto r = xmail_log::append(dir_, "pop3", when, rotate_hours_, format_pop3_log_line(entry, when));
  if (!r) log::warn("pop3d: cannot write the POP3 log: {}", r.error().to_string());
}

}  // namespace psyncd::pop3d
