#include "psync/link_lock.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <string_view>

#include "common/fs.hpp"
#include "common/log.hpp"

namespace psyncd::psync {

namespace {

constexpr std::string_view kLockSuffix = ".lock";  // every lock file name ends so
constexpr std::string_view kTempMark = ".tmp";     // <lock>.tmp<pid>: being created
constexpr std::string_view kStaleMark = ".stale";  // <lock>.stale<pid>: being removed

// Creates the lock file with its content in one step: the pid goes into a private temp file
// that is then link()ed to the lock name (fails with EEXIST like O_EXCL, which is what XMail
// uses), so a crash can never leave an empty lock that no one could prove stale.
Result<bool> try_create(const std::string& path) {
  std::string tmp = path + std::string(kTempMark) + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fs::sys_error("create lock", tmp, errno);
  // XMail writes its thread id and a NUL; we write our pid the same way.
  std::string text = std::to_string(::getpid());
  text.push_back('\0');
  ssize_t n = ::write(fd, text.data(), text.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    ::unlink(tmp.c_str());
    return fs::sys_error("write lock", tmp, n < 0 ? err : ENOSPC);
  }
  int linked = ::link(tmp.c_str(), path.c_str());
  err = errno;
  ::unlink(tmp.c_str());
  if (linked == 0) return true;
  if (err == EEXIST) return false;
  return fs::sys_error("create lock", path, err);
}

// True when the lock at `path` belongs to a process that is gone and was moved aside.
bool recover_stale(const std::string& path) {
  auto text = fs::read_file(path, 4096);
  if (!text) return false;
  long pid = lock_owner_pid(*text);
  if (pid <= 0 || pid == ::getpid() || !process_is_gone(pid)) return false;
  // Rename first so that two recoverers cannot both delete a fresh lock.
  std::string aside = path + std::string(kStaleMark) + std::to_string(::getpid());
  if (::rename(path.c_str(), aside.c_str()) != 0) return false;
  ::unlink(aside.c_str());
  log::warn("{}: stale link lock of process {} removed", path, pid);
  return true;
}

}  // namespace

long lock_owner_pid(std::string_view text) {
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
  if (auto made = fs::posix().make_dirs(fs::dir_name(path)); !made) return made.error();
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

void remove_dead_lock_side_files(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    for (std::string_view mark : {kTempMark, kStaleMark}) {
      // <link>.lock<mark><pid>
      const std::string tail = std::string(kLockSuffix) + std::string(mark);
      const auto at = name.rfind(tail);
      if (at == std::string_view::npos) continue;
      long pid = lock_owner_pid(name.substr(at + tail.size()));
      if (pid > 0 && process_is_gone(pid)) ::unlink(fs::join(dir, std::string(name)).c_str());
    }
  }
  ::closedir(d);
}

}  // namespace psyncd::psync
