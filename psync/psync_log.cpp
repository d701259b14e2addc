#include "psync/psync_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <mutex>

#include <fmt/format.h>

#include "common/fs.hpp"

namespace psyncd::psync {

namespace {

std::tm local_tm(std::chrono::system_clock::time_point when) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm;
}

std::mutex& log_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

std::string psync_log_name(std::chrono::system_clock::time_point when, unsigned rotate_hours) {
  std::tm tm = local_tm(when);
  unsigned hours = rotate_hours == 0 ? 24 : std::min(rotate_hours, 24u);
  int hour = static_cast<int>((static_cast<unsigned>(tm.tm_hour) / hours) * hours);
  return fmt::format("psync-{:04}{:02}{:02}{:02}00", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, hour);
}

std::string format_psync_line(std::chrono::system_clock::time_point when,
                              const PsyncLogEntry& e) {
  std::tm tm = local_tm(when);
  std::string stamp = fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", tm.tm_year + 1900,
                                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return fmt::format("\"{}\"\t\"{}\"\t\"{}\"\t\"{}\"\t\"{}\"\t\"{}\"\t\"{}\"\t\"{}\"\t\"{}\"\t\"{}\"\t\"{}\"\n",
                     stamp, e.local_domain, e.local_account, e.remote_domain, e.remote_user,
                     e.authtype, e.status, e.msgs, e.bytes, e.msgs_not, e.bytes_not);
}

Result<void> append_psync_log(const std::string& logs_dir,
                              std::chrono::system_clock::time_point when, unsigned rotate_hours,
                              const PsyncLogEntry& entry) {
  std::string path = fs::join(logs_dir, psync_log_name(when, rotate_hours));
  std::string line = format_psync_line(when, entry);
  std::lock_guard lock(log_mutex());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return fs::sys_error("open", path, errno);
  ssize_t n = ::write(fd, line.data(), line.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(line.size())) return fs::sys_error("write", path, err);
  return {};
}

}  // namespace psyncd::psync
