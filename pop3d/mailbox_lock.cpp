#include "pop3d/mailbox_lock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <set>

#include "common/fs.hpp"
#include "common/log.hpp"
#include "tabfile/fields.hpp"

namespace psyncd::pop3d {

namespace {

// Locks this process holds: a lock file naming our own pid that is not in here is stale
// (left by an earlier run that had the same pid, e.g. in a container).
std::mutex g_mutex;
std::set<std::string> g_held;

int create_lock_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  const std::string pid = std::to_string(::getpid()) + "\n";
  const bool ok = ::write(fd, pid.data(), pid.size()) == static_cast<ssize_t>(pid.size());
  const int err = errno;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    return err == 0 ? EIO : err;
  }
  return 0;
}

std::string template_path(const std::string& locks_dir) {
  return fs::join(locks_dir, ".psyncd-" + std::to_string(::getpid()) + ".lock-template");
}

// Creating and unlinking a file per session makes ext4 allocate and free an inode each time,
// a large share of the server's CPU in short sessions (docs/performance.md §3.2). A hard
// link to a per-process template file holding our pid is just as exclusive (link() fails with
// EEXIST like O_EXCL) and looks the same to XMail: a file named <user>@<domain>.lock holding
// the owner's id.
int create_lock(const std::string& locks_dir, const std::string& path) {
  const std::string tmpl = template_path(locks_dir);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (::link(tmpl.c_str(), path.c_str()) == 0) return 0;
    const int err = errno;
    if (err == EEXIST) return err;
    if (err != ENOENT || attempt > 0) break;  // no hard links here: plain O_EXCL create
    // The template is missing (first use, or pop3locks/ was emptied): make it.
    ::unlink(tmpl.c_str());
    if (create_lock_file(tmpl) != 0) break;
  }
  return create_lock_file(path);
}

}  // namespace

void MailboxLock::remove_template(const std::string& locks_dir) {
  ::unlink(template_path(locks_dir).c_str());
}

namespace {

// True when the lock's owner is certainly gone. XMail writes a thread id, not a pid: such a
// lock (or any we cannot read) counts as held, to be safe.
bool is_stale(const std::string& path) {
  auto text = fs::read_file(path, 64);
  if (!text) return false;
  std::string_view digits(*text);
  // Ours is "<pid>\n"; XMail's is "<thread id>\0".
  if (digits.empty() || digits.back() != '\n') return false;
  digits.remove_suffix(1);
  auto pid = tabfile::parse_number(digits);
  if (!pid || *pid <= 0 || *pid > 0x3fffffff) return false;
  if (*pid == ::getpid()) return g_held.count(path) == 0;
  return ::kill(static_cast<pid_t>(*pid), 0) != 0 && errno == ESRCH;
}

}  // namespace

Result<MailboxLock> MailboxLock::acquire(const std::string& locks_dir, const std::string& key) {
  const std::string path = fs::join(locks_dir, key + ".lock");
  std::lock_guard guard(g_mutex);
  int err = create_lock(locks_dir, path);
  if (err == EEXIST && is_stale(path)) {
    log::warn("pop3d: removing stale mailbox lock {}", path);
    ::unlink(path.c_str());
    err = create_lock(locks_dir, path);
  }
  if (err == EEXIST) {
    return Error{ErrorKind::temporary, path, 0, {}, "mailbox is locked by another session"};
  }
  if (err != 0) return fs::sys_error("create lock", path, err);
  g_held.insert(path);
  return MailboxLock(path);
}

MailboxLock::MailboxLock(MailboxLock&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

MailboxLock& MailboxLock::operator=(MailboxLock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

MailboxLock::~MailboxLock() { release(); }

void MailboxLock::release() {
  if (path_.empty()) return;
  std::lock_guard guard(g_mutex);
  ::unlink(path_.c_str());
  g_held.erase(path_);
  path_.clear();
}

}  // namespace psyncd::pop3d
