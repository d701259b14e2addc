#include "tests/support/common/faulty_fs.hpp"

#include <unistd.h>

#include <cerrno>

namespace psyncd::test {

bool FaultyFs::should_fail(const std::string& path, Error* out) {
  ++calls_;
  if (crash_at_ > 0 && calls_ >= crash_at_) {
    *out = fs::sys_error("simulated crash before", path, EIO);
    return true;
  }
  if (fail_at_ > 0 && calls_ == fail_at_) {
    *out = fs::sys_error("injected failure in", path, fail_errno_);
    return true;
  }
  return false;
}

Result<int> FaultyFs::open(const std::string& path, int flags, unsigned mode) {
  Error e;
  if (should_fail(path, &e)) return e;
  return real_.open(path, flags, mode);
}

Result<void> FaultyFs::write_all(int fd, std::string_view data, const std::string& path) {
  Error e;
  if (should_fail(path, &e)) return e;
  return real_.write_all(fd, data, path);
}

Result<void> FaultyFs::fsync(int fd, const std::string& path) {
  Error e;
  if (should_fail(path, &e)) return e;
  ++fsyncs_;
  return real_.fsync(fd, path);
}

Result<void> FaultyFs::close(int fd, const std::string& path) {
  Error e;
  if (should_fail(path, &e)) {
    ::close(fd);  // the descriptor itself must not leak, whatever the simulated outcome
    return e;
  }
  return real_.close(fd, path);
}

Result<void> FaultyFs::rename(const std::string& from, const std::string& to) {
  Error e;
  if (should_fail(from, &e)) return e;
  return real_.rename(from, to);
}

Result<void> FaultyFs::link(const std::string& from, const std::string& to) {
  Error e;
  if (should_fail(from, &e)) return e;
  return real_.link(from, to);
}

Result<int> FaultyFs::open_unnamed(const std::string& dir, unsigned mode) {
  if (!unnamed_) return -1;
  Error e;
  if (should_fail(dir, &e)) return e;
  return real_.open_unnamed(dir, mode);
}

Result<void> FaultyFs::link_fd(int fd, const std::string& to) {
  Error e;
  if (should_fail(to, &e)) return e;
  return real_.link_fd(fd, to);
}

Result<void> FaultyFs::unlink(const std::string& path) {
  Error e;
  if (should_fail(path, &e)) return e;
  return real_.unlink(path);
}

Result<void> FaultyFs::mkdir(const std::string& path, unsigned mode) {
  Error e;
  if (should_fail(path, &e)) return e;
  return real_.mkdir(path, mode);
}

Result<void> FaultyFs::fsync_dir(const std::string& dir) {
  Error e;
  if (should_fail(dir, &e)) return e;
  ++fsyncs_;
  return real_.fsync_dir(dir);
}

Result<void> FaultyFs::syncfs(const std::string& path) {
  Error e;
  if (should_fail(fs::dir_name(path), &e)) return e;
  ++fsyncs_;
  return real_.syncfs(path);
}

}  // namespace psyncd::test
