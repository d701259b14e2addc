#include "admin/admin_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "common/fs.hpp"

namespace psyncd::admin {

std::string admin_lock_path(const std::string& mail_root) {
  return fs::join(fs::join(mail_root, "psyncd"), "admin.lock");
}

Result<AdminLock> AdminLock::take(const std::string& mail_root, std::chrono::milliseconds wait) {
  std::string path = admin_lock_path(mail_root);
  if (auto r = fs::posix().make_dirs(fs::dir_name(path), 0755); !r) return r.error();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return fs::sys_error("cannot open the admin lock", path, errno);
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    if (err == EINTR) continue;
    if (err != EWOULDBLOCK || std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      if (err != EWOULDBLOCK) return fs::sys_error("cannot lock", path, err);
      return Error{ErrorKind::temporary,
                   path,
                   0,
                   {},
                   "another psyncctl command is changing this MAIL_ROOT; try again"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return AdminLock(fd);
}

AdminLock::~AdminLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace psyncd::admin
