// ForwardingFileSystem (common/fs.hpp): every call goes to the inner FileSystem.
#include "common/fs.hpp"

namespace psyncd::fs {

Result<int> ForwardingFileSystem::open(const std::string& path, int flags, unsigned mode) {
  return inner_.open(path, flags, mode);
}
Result<void> ForwardingFileSystem::write_all(int fd, std::string_view data,
                                             const std::string& path) {
  return inner_.write_all(fd, data, path);
}
Result<void> ForwardingFileSystem::fsync(int fd, const std::string& path) {
  return inner_.fsync(fd, path);
}
Result<void> ForwardingFileSystem::close(int fd, const std::string& path) {
  return inner_.close(fd, path);
}
Result<void> ForwardingFileSystem::rename(const std::string& from, const std::string& to) {
  return inner_.rename(from, to);
}
Result<void> ForwardingFileSystem::link(const std::string& from, const std::string& to) {
  return inner_.link(from, to);
}
Result<int> ForwardingFileSystem::open_unnamed(const std::string& dir, unsigned mode) {
  return inner_.open_unnamed(dir, mode);
}
Result<void> ForwardingFileSystem::link_fd(int fd, const std::string& to) {
  return inner_.link_fd(fd, to);
}
Result<void> ForwardingFileSystem::unlink(const std::string& path) { return inner_.unlink(path); }
Result<void> ForwardingFileSystem::mkdir(const std::string& path, unsigned mode) {
  return inner_.mkdir(path, mode);
}
Result<void> ForwardingFileSystem::fsync_dir(const std::string& dir) {
  return inner_.fsync_dir(dir);
}
bool ForwardingFileSystem::has_syncfs() const { return inner_.has_syncfs(); }
Result<void> ForwardingFileSystem::syncfs(const std::string& path) { return inner_.syncfs(path); }
Result<std::vector<DirEntry>> ForwardingFileSystem::list_dir(const std::string& dir) {
  return inner_.list_dir(dir);
}

}  // namespace psyncd::fs
