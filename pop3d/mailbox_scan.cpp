#include "pop3d/mailbox_scan.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/fs.hpp"
#include "pop3/apop.hpp"
#include "tabfile/fields.hpp"

namespace psyncd::pop3d {

std::optional<std::uint64_t> wire_size_from_name(std::string_view name) {
  const auto info = name.find(':');
  if (info != std::string_view::npos) name = name.substr(0, info);
  const auto w = name.rfind(",W=");
  if (w == std::string_view::npos) return std::nullopt;
  auto digits = name.substr(w + 3);
  digits = digits.substr(0, digits.find(','));
  auto n = tabfile::parse_number(digits);
  if (!n) return std::nullopt;
  return static_cast<std::uint64_t>(*n);
}

std::string uidl_from_name(std::string_view name) {
  const auto info = name.find(":2,");
  if (info != std::string_view::npos) name = name.substr(0, info);
  bool valid = !name.empty() && name.size() <= 70;
  for (char c : name) valid = valid && c >= 0x21 && c <= 0x7e;
  if (valid) return std::string(name);
  // RFC 1939 §7 limits a UIDL to 70 printable characters; longer or odd names get a digest.
  return pop3::apop_digest(name, "");
}

Result<std::uint64_t> wire_size_of_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fs::sys_error("open", path, errno);
  std::uint64_t size = 0;
  char prev = 0;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return fs::sys_error("read", path, err);
    }
    if (n == 0) break;
    size += static_cast<std::uint64_t>(n);
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] == '\n' && (i > 0 ? buf[i - 1] : prev) != '\r') ++size;
    }
    prev = buf[n - 1];
  }
  ::close(fd);
  return size;
}

namespace {

Result<void> scan_dir(const std::string& dir, std::vector<ScannedMessage>& out) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return {};
    return fs::sys_error("open directory", dir, errno);
  }
  const std::size_t first = out.size();
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::string path = fs::join(dir, e->d_name);
    if (e->d_type != DT_REG) {
      struct stat st {};
      if (e->d_type != DT_UNKNOWN || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    }
    ScannedMessage m;
    m.uidl = uidl_from_name(e->d_name);
    auto size = wire_size_from_name(e->d_name);
    if (!size) {
      auto counted = wire_size_of_file(path);
      if (!counted) continue;  // vanished or unreadable: not listed
      size = *counted;
    }
    m.size = *size;
    m.path = std::move(path);
    out.push_back(std::move(m));
  }
  ::closedir(d);
  // Same directory: compare the names only, not the long common prefix.
  const std::size_t skip = dir.size() + 1;
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
            [skip](const ScannedMessage& a, const ScannedMessage& b) {
              return std::string_view(a.path).substr(skip) < std::string_view(b.path).substr(skip);
            });
  return {};
}

}  // namespace

Result<std::vector<ScannedMessage>> scan_mailbox(const std::vector<std::string>& dirs) {
  std::vector<ScannedMessage> out;
  for (const auto& dir : dirs) {
    auto r = scan_dir(dir, out);
    if (!r) return r.error();
  }
  return out;
}

}  // namespace psyncd::pop3d
