// AdminLock: the one lock psyncctl takes for any change to a MAIL_ROOT, an flock(2) on
// MAIL_ROOT/psyncd/admin.lock held for the life of the object, so two admin commands never
// interleave their read-modify-write of a table.
// XMail's own table locks (RLckLockEX) live in the memory of the XMail process, so no other
// process can take them; a running XMail and psyncd read each table afresh (fopen per read), and
// every change is one atomic rename, so they see the old table or the new one, never a part.
#pragma once

#include <chrono>
#include <string>

#include "common/result.hpp"

namespace psyncd::admin {

class AdminLock {
 public:
  // Waits up to `wait` for another admin command to finish; kind temporary when it does not.
  // Creates MAIL_ROOT/psyncd/ when missing.
  static Result<AdminLock> take(const std::string& mail_root,
                                std::chrono::milliseconds wait = std::chrono::seconds(30));

  AdminLock(AdminLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  AdminLock& operator=(AdminLock&&) = delete;
  AdminLock(const AdminLock&) = delete;
  ~AdminLock();

 private:
  explicit AdminLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// MAIL_ROOT/psyncd/admin.lock
std::string admin_lock_path(const std::string& mail_root);

}  // namespace psyncd::admin
