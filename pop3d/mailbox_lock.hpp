// MailboxLock: XMail's POP3 mailbox lock, MAIL_ROOT/pop3locks/<name>@<domain>.lock, created with
// O_EXCL and held for the whole session (docs/xmail-formats.md §9.5), so psyncd and a live XMail
// exclude each other. It holds our pid (decimal + LF; a hard link to a per-process template); a
// lock whose owner pid is gone (or is this process without holding it) is stale and is taken over
// (XMail only empties pop3locks/ at start-up). It does not wait: a held lock fails at once with
// ErrorKind::temporary.
#pragma once

#include <string>

#include "common/result.hpp"

namespace psyncd::pop3d {

class MailboxLock {
 public:
  // `key` is "<name>@<domain>"; the caller has checked it is a safe file name.
  static Result<MailboxLock> acquire(const std::string& locks_dir, const std::string& key);

  MailboxLock(MailboxLock&& other) noexcept;
  MailboxLock& operator=(MailboxLock&& other) noexcept;
  MailboxLock(const MailboxLock&) = delete;
  MailboxLock& operator=(const MailboxLock&) = delete;
  ~MailboxLock();

  // Removes this process's link template (.psyncd-<pid>.lock-template) from `locks_dir`;
  // the server calls it at shutdown.
  static void remove_template(const std::string& locks_dir);

  const std::string& path() const { return path_; }
  void release();

 private:
  explicit MailboxLock(std::string path) : path_(std::move(path)) {}
  std::string path_;  // empty when released
};

}  // namespace psyncd::pop3d
