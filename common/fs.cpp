#include "common/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <system_error>

namespace psyncd::fs {
namespace {

// Opens `path` read-only (plus `flags`), calls `sync` on it and closes it.
Result<void> sync_opened(const std::string& path, int flags, int (*sync)(int),
                         std::string_view open_failed, std::string_view sync_failed) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags);
  if (fd < 0) return sys_error(open_failed, path, errno);
  int rc = sync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return sys_error(sync_failed, path, err);
  return {};
}

class PosixFileSystem final : public FileSystem {
 public:
  Result<int> open(const std::string& path, int flags, unsigned mode) override {
    int fd;
    do {
      fd = ::open(path.c_str(), flags | O_CLOEXEC, static_cast<mode_t>(mode));
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return sys_error("cannot open", path, errno);
    return fd;
  }

  Result<void> write_all(int fd, std::string_view data, const std::string& path) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return sys_error("cannot write", path, errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return {};
  }

  Result<void> fsync(int fd, const std::string& path) override {
    if (::fsync(fd) != 0) return sys_error("cannot fsync", path, errno);
    return {};
  }

  Result<void> close(int fd, const std::string& path) override {
    // Linux releases the descriptor even when close fails with EINTR: never retry.
    if (::close(fd) != 0 && errno != EINTR) return sys_error("cannot close", path, errno);
    return {};
  }

  Result<void> rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0)
      return sys_error("cannot rename to " + to + ":", from, errno);
    return {};
  }

  Result<void> link(const std::string& from, const std::string& to) override {
    if (::link(from.c_str(), to.c_str()) != 0)
      return sys_error("cannot link to " + to + ":", from, errno);
    return {};
  }

  Result<int> open_unnamed(const std::string& dir, unsigned mode) override {
    int fd;
    do {
      fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, static_cast<mode_t>(mode));
    } while (fd < 0 && errno == EINTR);
    if (fd >= 0) return fd;
    // No O_TMPFILE in this file system (EOPNOTSUPP), or a kernel that takes it for
    // O_DIRECTORY (EISDIR) or does not know it (EINVAL).
    if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) return -1;
    return sys_error("cannot create an unnamed file in", dir, errno);
  }

  Result<void> link_fd(int fd, const std::string& to) override {
    // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH (ENOENT without it); the /proc/self/fd form
    // works for any user, at the price of a path walk. ENOENT can also be a missing target
    // directory, so only a /proc link that then succeeds turns AT_EMPTY_PATH off for good.
    static std::atomic<bool> empty_path_works{true};
    const bool tried_empty_path = empty_path_works.load(std::memory_order_relaxed);
    if (tried_empty_path) {
      if (::linkat(fd, "", AT_FDCWD, to.c_str(), AT_EMPTY_PATH) == 0) return {};
      if (errno != ENOENT) return sys_error("cannot link to", to, errno);
    }
    char proc[40];
    std::snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (::linkat(AT_FDCWD, proc, AT_FDCWD, to.c_str(), AT_SYMLINK_FOLLOW) != 0)
      return sys_error("cannot link to", to, errno);
    if (tried_empty_path) empty_path_works.store(false, std::memory_order_relaxed);
    return {};
  }

  Result<void> unlink(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return sys_error("cannot remove", path, errno);
    return {};
  }

  Result<void> mkdir(const std::string& path, unsigned mode) override {
    if (::mkdir(path.c_str(), static_cast<mode_t>(mode)) != 0) {
      int err = errno;
      if (err == EEXIST && is_directory(path)) return {};
      return sys_error("cannot create directory", path, err);
    }
    return {};
  }

  Result<void> fsync_dir(const std::string& dir) override {
    return sync_opened(dir, O_DIRECTORY, ::fsync, "cannot open directory",
                       "cannot fsync directory");
  }

  bool has_syncfs() const override { return true; }

  // Since Linux 5.8 syncfs reports write-back errors of the file system, like fsync.
  Result<void> syncfs(const std::string& path) override {
    return sync_opened(path, 0, ::syncfs, "cannot open", "cannot syncfs");
  }

  Result<std::vector<DirEntry>> list_dir(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return sys_error("cannot list", dir, errno);
    std::vector<DirEntry> out;
    while (const dirent* e = ::readdir(d)) {
      const std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      struct stat st;
      if (::lstat(join(dir, name).c_str(), &st) != 0) continue;  // removed meanwhile
      DirEntry entry{std::string(name), DirEntry::Type::other, st.st_mtime};
      if (S_ISREG(st.st_mode)) entry.type = DirEntry::Type::regular;
      if (S_ISDIR(st.st_mode)) entry.type = DirEntry::Type::directory;
      out.push_back(std::move(entry));
    }
    ::closedir(d);
    return out;
  }
};

}  // namespace

FileSystem& posix() {
  static PosixFileSystem fs;
  return fs;
}

Error sys_error(std::string_view what, const std::string& path, int err) {
  Error e;
  e.kind = err == ENOENT ? ErrorKind::not_found : ErrorKind::io;
  e.file = path;
  e.text = fmt::format("{}: {}", what, std::generic_category().message(err));
  if (err == ENOSPC || err == EDQUOT) e.cause = ErrorCause::no_space;
  if (err == EXDEV) e.cause = ErrorCause::cross_device;
  return e;
}

std::string dir_name(std::string_view path) {
  auto slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string join(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

Result<void> FileSystem::make_dirs(const std::string& path, unsigned mode) {
  if (path.empty() || is_directory(path)) return {};
  std::string parent = dir_name(path);
  if (parent != path && parent != "." && parent != "/") {
    auto r = make_dirs(parent, mode);
    if (!r) return r;
  }
  return mkdir(path, mode);
}

Result<void> write_file_atomic(FileSystem& fs, const std::string& path, std::string_view data,
                               unsigned mode) {
  static std::atomic<unsigned> counter{0};
  std::string dir = dir_name(path);
  std::string tmp = join(dir, fmt::format(".{}.{}.{}.tmp", base_name(path), ::getpid(), counter++));
  auto fd = fs.open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode);
  if (!fd) return fd.error();
  auto fail = [&](Error e) -> Result<void> {
    (void)fs.unlink(tmp);
    return e;
  };
  if (auto r = fs.write_all(*fd, data, tmp); !r) {
    (void)fs.close(*fd, tmp);
    return fail(r.error());
  }
  if (auto r = fs.fsync(*fd, tmp); !r) {
    (void)fs.close(*fd, tmp);
    return fail(r.error());
  }
  if (auto r = fs.close(*fd, tmp); !r) return fail(r.error());
  if (auto r = fs.rename(tmp, path); !r) return fail(r.error());
  return fs.fsync_dir(dir);
}

Result<std::string> read_file(const std::string& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_error("cannot open", path, errno);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return sys_error("cannot read", path, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      ::close(fd);
      return Error{
          ErrorKind::config, path, 0, {}, fmt::format("file is larger than {} bytes", max_bytes)};
    }
  }
  ::close(fd);
  return out;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace psyncd::fs
