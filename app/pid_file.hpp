// PidFile: the single-instance guard of the psyncd service. It opens MAIL_ROOT/psyncd.pid,
// takes a non-blocking flock on it for the life of the object and writes our pid into it, so a
// second psyncd on the same MAIL_ROOT refuses to start with the pid of the first. The lock
// (not the file's existence) is what counts: a file left by a killed daemon is simply reused.
// It does not daemonize or remove the file (a stale file is harmless and shows the last pid).
#pragma once

#include <string>

#include "common/result.hpp"

namespace psyncd::app {

class PidFile {
 public:
  static Result<PidFile> acquire(const std::string& path);
  PidFile(PidFile&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  PidFile& operator=(PidFile&&) = delete;
  PidFile(const PidFile&) = delete;
  ~PidFile();

 private:
  explicit PidFile(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace psyncd::app
