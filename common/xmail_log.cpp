#include "common/xmail_log.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <mutex>

#include "common/fs.hpp"

namespace psyncd::xmail_log {

namespace {

constexpr std::size_t kMaxField = 1024;

std::tm local_tm(std::time_t t) {
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm;
}

std::mutex& append_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

std::string file_name(std::string_view kind, std::chrono::system_clock::time_point when,
                      unsigned rotate_hours) {
  const std::time_t now = std::chrono::system_clock::to_time_t(when);
  // MscLogFilePath: NbrFloor(now - timezone + daylight, 3600 * hours) + timezone - daylight;
  // tm_gmtoff is that local offset (east of UTC, DST included).
  const long long offset = local_tm(now).tm_gmtoff;
  const long long step = 3600LL * (rotate_hours == 0 ? 24 : rotate_hours);
  const long long local = static_cast<long long>(now) + offset;
  const long long floored = local >= 0 ? local / step * step : (local - step + 1) / step * step;
  const std::tm tm = local_tm(static_cast<std::time_t>(floored - offset));
  return fmt::format("{}-{:04}{:02}{:02}{:02}{:02}", kind, tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min);
}

std::string local_time(std::chrono::system_clock::time_point when) {
  const std::tm tm = local_tm(std::chrono::system_clock::to_time_t(when));
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string format_line(std::initializer_list<std::string_view> fields) {
  std::string line;
  for (std::string_view f : fields) {
    if (!line.empty()) line += '\t';
    line += '"';
    for (char c : f.substr(0, kMaxField)) {
      const auto u = static_cast<unsigned char>(c);
      line += c == '"' || u < 0x20 || u == 0x7f ? '_' : c;
    }
    line += '"';
  }
  line += '\n';
  return line;
}

Result<void> append(const std::string& logs_dir, std::string_view kind,
                    std::chrono::system_clock::time_point when, unsigned rotate_hours,
                    std::string_view line) {
  const std::string path = fs::join(logs_dir, file_name(kind, when, rotate_hours));
  std::lock_guard lock(append_mutex());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd < 0) return fs::sys_error("cannot open", path, errno);
  // One write per line with O_APPEND: another process appending too never splits a line.
  const ssize_t n = ::write(fd, line.data(), line.size());
  const int err = n < 0 ? errno : EIO;  // a short write to a regular file: disk full
  ::close(fd);
  if (n != static_cast<ssize_t>(line.size())) return fs::sys_error("cannot write", path, err);
  return {};
}

}  // namespace psyncd::xmail_log
