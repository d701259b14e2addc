#include "common/open_regular.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/fs.hpp"

namespace psyncd {

namespace {

const char* kind_of(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISDIR(mode)) return "a directory";
  return "not a regular file";
}

}  // namespace

Result<int> open_regular(int dir_fd, const char* name, const std::string& path) {
  const int fd = ::openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    const int err = errno;
    // O_NOFOLLOW on a symlink as the last component: ELOOP.
    if (err == ELOOP) return Error{ErrorKind::auth, path, 0, {}, "is a symbolic link (not served)"};
    return fs::sys_error("cannot open", path, err);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return fs::sys_error("cannot fstat", path, err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error{
        ErrorKind::auth, path, 0, {}, std::string("is ") + kind_of(st.st_mode) + " (not served)"};
  }
  return fd;
}

}  // namespace psyncd
