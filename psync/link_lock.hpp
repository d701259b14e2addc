// LinkLock: XMail's per-link lock file, MAIL_ROOT/pop3linklocks/<S(user)>@<S(server)>.lock
// (docs/xmail-formats.md §8.1), created O_CREAT|O_EXCL mode 0600 with our pid followed by a NUL
// byte inside, so a live XMail and psyncd exclude each other. Departure from XMail
// (docs/xmail-differences.md "Who delivers the mail"): a lock whose pid is no longer running is
// stale and recovered at once, not only at service start. It does not wait: a held lock is reported
// as ErrorKind::temporary and the caller skips the link.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace psyncd::psync {

class LinkLock {
 public:
  // Takes the lock file at `path` (its directory is created when missing).
  static Result<LinkLock> acquire(const std::string& path);

  LinkLock(LinkLock&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  LinkLock& operator=(LinkLock&& other) noexcept;
  LinkLock(const LinkLock&) = delete;
  LinkLock& operator=(const LinkLock&) = delete;
  ~LinkLock() { release(); }

  // Removes the lock file; safe to call twice.
  void release();
  const std::string& path() const { return path_; }

 private:
  explicit LinkLock(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// The pid written in a lock file's text (leading decimal digits), or 0 when there is none.
long lock_owner_pid(std::string_view text);
// True when `pid` names no running process (kill(pid, 0) says ESRCH).
bool process_is_gone(long pid);
// Removes the side files (<lock>.tmp<pid> being created, <lock>.stale<pid> being removed)
// that a process killed mid-way left in `dir`, when that process is gone. One directory scan:
// the service calls it once per cycle, not once per lock.
void remove_dead_lock_side_files(const std::string& dir);

}  // namespace psyncd::psync
