#include "pop3d/pop3_log.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "common/fs.hpp"
#include "common/log.hpp"

namespace psyncd::pop3d {

namespace {

std::tm local_tm(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm;
}

// Log fields are quoted; a quote or control byte in a client-given user name is replaced.
std::string clean(std::string_view s) {
  std::string out(s.substr(0, 256));
  for (char& c : out) {
    if (c == '"' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '_';
  }
  return out;
}

}  // namespace

std::string format_pop3_log_line(const Pop3LogEntry& e,
                                 std::chrono::system_clock::time_point when) {
  const std::tm tm = local_tm(when);
  std::string line = fmt::format(
      "\"{}\"\t\"{}\"\t\"{}\"\t\"{:04}-{:02}-{:02} {:02}:{:02}:{:02}\"\t\"{}\"\t\"\"\t\"{}\"",
      clean(e.host), clean(e.domain), clean(e.client_ip), tm.tm_year + 1900, tm.tm_mon + 1,
      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, clean(e.user), e.ok ? "LOGIN" : "ELOGIN");
  if (e.ok) line += fmt::format("\t\"{}\"\t\"{}\"", e.messages, e.bytes);
  line += '\n';
  return line;
}

std::string pop3_log_name(std::chrono::system_clock::time_point when, int rotate_hours) {
  std::tm tm = local_tm(when);
  if (rotate_hours >= 1 && rotate_hours <= 24) tm.tm_hour -= tm.tm_hour % rotate_hours;
  tm.tm_min = 0;
  return fmt::format("pop3-{:04}{:02}{:02}{:02}{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min);
}

Pop3Log::~Pop3Log() {
  if (fd_ >= 0) ::close(fd_);
}

void Pop3Log::write(const Pop3LogEntry& entry, std::chrono::system_clock::time_point when) {
  const std::string name = pop3_log_name(when, rotate_hours_);
  std::lock_guard guard(mutex_);
  if (name != name_ || fd_ < 0) {
    if (fd_ >= 0) ::close(fd_);
    const std::string path = fs::join(dir_, name);
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd_ < 0) {
      log::warn("pop3d: cannot open POP3 log {}: {}", path, std::strerror(errno));
      return;
    }
    name_ = name;
  }
  const std::string line = format_pop3_log_line(entry, when);
  // One write per line with O_APPEND: lines from concurrent writers never interleave.
  if (::write(fd_, line.data(), line.size()) < 0) {
    log::warn("pop3d: cannot write POP3 log: {}", std::strerror(errno));
  }
}

}  // namespace psyncd::pop3d
