#include "psync/link_lock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "common/fs.hpp"
#include "common/log.hpp"

namespace psyncd::psync {

namespace {

// Creates the lock file; false with errno EEXIST when someone holds it.
Result<bool> try_create(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    return fs::sys_error("create lock", path, errno);
  }
  // XMail writes its thread id and a NUL; we write our pid the same way.
  std::string text = std::to_string(::getpid());
  text.push_back('\0');
  ssize_t n = ::write(fd, text.data(), text.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    ::unlink(path.c_str());
    return fs::sys_error("write lock", path, n < 0 ? err : ENOSPC);
  }
  return true;
}

// True when the lock at `path` belongs to a process that is gone and was moved aside.
bool recover_stale(const std::string& path) {
  auto text = fs::read_file(path, 4096);
  if (!text) return false;
  long pid = lock_owner_pid(*text);
  if (pid <= 0 || pid == ::getpid() || !process_is_gone(pid)) return false;
  // Rename first so that two recoverers cannot both delete a fresh lock.
  std::string aside = path + ".stale." + std::to_string(::getpid());
  if (::rename(path.c_str(), aside.c_str()) != 0) return false;
  ::unlink(aside.c_str());
  log::warn("{}: stale link lock of process {} removed", path, pid);
  return true;
}

}  // namespace

long lock_owner_pid(const std::string& text) {
  long pid = 0;
  size_t i = 0;
  for (; i < text.size() && i < 10 && text[i] >= '0' && text[i] <= '9'; ++i) {
    pid = pid * 10 + (text[i] - '0');
  }
  return i == 0 ? 0 : pid;
}

bool process_is_gone(long pid) {
  if (pid <= 0 || pid > 0x3fffffff) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

Result<LinkLock> LinkLock::acquire(const std::string& path) {
  if (auto made = fs::make_dirs(fs::posix(), fs::dir_name(path)); !made) return made.error();
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto created = try_create(path);
    if (!created) return created.error();
    if (*created) return LinkLock(path);
    if (attempt == 0 && recover_stale(path)) continue;
    break;
  }
  return Error{ErrorKind::temporary, path, 0, {}, "link is locked by another session"};
}

LinkLock& LinkLock::operator=(LinkLock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

void LinkLock::release() {
  if (path_.empty()) return;
  ::unlink(path_.c_str());
  path_.clear();
}

}  // namespace psyncd::psync
