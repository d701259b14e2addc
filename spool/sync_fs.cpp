#include "spool/sync_fs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace psyncd::spool {
Result<int> WithSyncFs::open(const std::string& p, int flags, unsigned mode) {
  return inner_.open(p, flags, mode);
}
Result<void> WithSyncFs::write_all(int fd, std::string_view d, const std::string& p) {
  return inner_.write_all(fd, d, p);
}
Result<void> WithSyncFs::fsync(int fd, const std::string& p) { return inner_.fsync(fd, p); }
Result<void> WithSyncFs::close(int fd, const std::string& p) { return inner_.close(fd, p); }
Result<void> WithSyncFs::rename(const std::string& from, const std::string& to) {
  return inner_.rename(from, to);
}
Result<void> WithSyncFs::link(const std::string& from, const std::string& to) {
  return inner_.link(from, to);
}
Result<int> WithSyncFs::open_unnamed(const std::string& dir, unsigned mode) {
  return inner_.open_unnamed(dir, mode);
}
Result<void> WithSyncFs::link_fd(int fd, const std::string& to) { return inner_.link_fd(fd, to); }
Result<void> WithSyncFs::unlink(const std::string& p) { return inner_.unlink(p); }
Result<void> WithSyncFs::mkdir(const std::string& p, unsigned mode) {
  return inner_.mkdir(p, mode);
}
Result<void> WithSyncFs::fsync_dir(const std::string& d) { return inner_.fsync_dir(d); }
Result<void> WithSyncFs::syncfs(const std::string& path) { return posix_syncfs(path); }

SyncFs* as_sync_fs(fs::FileSystem& fs) { return dynamic_cast<SyncFs*>(&fs); }

fs::FileSystem& posix_with_syncfs() {
  static WithSyncFs fs(fs::posix());
  return fs;
}

Result<void> posix_syncfs(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fs::sys_error("cannot open", path, errno);
  int rc = ::syncfs(fd);
  int err = errno;
  ::close(fd);
  // Since Linux 5.8 syncfs reports write-back errors of the file system, like fsync.
  if (rc != 0) return fs::sys_error("cannot syncfs", path, err);
  return {};
}

}  // namespace psyncd::spool
