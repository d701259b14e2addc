#include "psync/oauth_file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "common/fs.hpp"

namespace psyncd::psync {

Result<TokenFileLock> TokenFileLock::take(const std::string& path) {
  std::string lock_path = fs::join(fs::dir_name(path), "." + fs::base_name(path) + ".lock");
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return fs::sys_error("open", lock_path, errno);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd);
    return fs::sys_error("flock", lock_path, err);
  }
  return TokenFileLock(fd);
}

TokenFileLock::~TokenFileLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace psyncd::psync
