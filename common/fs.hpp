// The file-system seam: every write, fsync, syncfs, rename, unlink and mkdir that durability
// depends on goes through a FileSystem, so tests can inject ENOSPC, EIO or a "crash" after the
// k-th call (tests/support/common/faulty_fs.hpp); so does listing a directory whose entries are
// then removed through it. Reading a file goes straight to POSIX: it cannot lose mail.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::fs {

// One entry of a directory listing, as lstat(2) sees it (a symbolic link is `other`).
struct DirEntry {
  enum class Type { regular, directory, other };
  std::string name;
  Type type = Type::other;
  std::int64_t mtime = 0;  // seconds since the epoch
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // open(2); the returned descriptor must be closed with close() below.
  virtual Result<int> open(const std::string& path, int flags, unsigned mode) = 0;
  // Writes every byte (retrying short writes and EINTR).
  virtual Result<void> write_all(int fd, std::string_view data, const std::string& path) = 0;
  virtual Result<void> fsync(int fd, const std::string& path) = 0;
  // A failed close is an error: on NFS and some file systems it reports the lost write.
  virtual Result<void> close(int fd, const std::string& path) = 0;
  virtual Result<void> rename(const std::string& from, const std::string& to) = 0;
  // link(2): used where a rename must not replace an existing file.
  virtual Result<void> link(const std::string& from, const std::string& to) = 0;
  // An unnamed regular file in `dir`'s file system, open for writing (open(2) with
  // O_TMPFILE): it has no name until link_fd() gives it one, and vanishes if the process dies
  // first. -1 (not an error) when the file system or kernel cannot make one.
  virtual Result<int> open_unnamed(const std::string& dir, unsigned mode) = 0;
  // Names the file open on `fd` (maybe an unnamed one): linkat(2). Like link(), it never
  // replaces an existing file.
  virtual Result<void> link_fd(int fd, const std::string& to) = 0;
  virtual Result<void> unlink(const std::string& path) = 0;
  // mkdir(2); an existing directory is not an error.
  virtual Result<void> mkdir(const std::string& path, unsigned mode) = 0;
  // fsync of a directory, so that a rename or unlink inside it is durable.
  virtual Result<void> fsync_dir(const std::string& dir) = 0;
  // True when syncfs() is the way to make a batch durable: then DeliveryBatch replaces its
  // per-file and per-directory fsyncs by one syncfs per file system.
  virtual bool has_syncfs() const = 0;
  // syncfs(2): flushes every dirty file and directory of the file system holding `path` (a
  // directory or file that exists).
  virtual Result<void> syncfs(const std::string& path) = 0;
  // The entries of `dir` except "." and "..", in no particular order; an entry that vanishes
  // while listed is left out. kind not_found when `dir` does not exist.
  virtual Result<std::vector<DirEntry>> list_dir(const std::string& dir) = 0;

  // mkdir -p: each missing component made with mkdir() and `mode`.
  Result<void> make_dirs(const std::string& path, unsigned mode = 0700);
};

// A FileSystem that hands every call to `inner`: wrappers derive from it and override the
// calls they count, delay or change.
class ForwardingFileSystem : public FileSystem {
 public:
  explicit ForwardingFileSystem(FileSystem& inner) : inner_(inner) {}
  Result<int> open(const std::string& path, int flags, unsigned mode) override;
  Result<void> write_all(int fd, std::string_view data, const std::string& path) override;
  Result<void> fsync(int fd, const std::string& path) override;
  Result<void> close(int fd, const std::string& path) override;
  Result<void> rename(const std::string& from, const std::string& to) override;
  Result<void> link(const std::string& from, const std::string& to) override;
  Result<int> open_unnamed(const std::string& dir, unsigned mode) override;
  Result<void> link_fd(int fd, const std::string& to) override;
  Result<void> unlink(const std::string& path) override;
  Result<void> mkdir(const std::string& path, unsigned mode) override;
  Result<void> fsync_dir(const std::string& dir) override;
  bool has_syncfs() const override;
  Result<void> syncfs(const std::string& path) override;
  Result<std::vector<DirEntry>> list_dir(const std::string& dir) override;

 protected:
  FileSystem& inner_;
};

// The real, POSIX file system (with syncfs).
FileSystem& posix();

// Error for a failed system call on `path`: kind io (not_found for ENOENT), text with strerror.
Error sys_error(std::string_view what, const std::string& path, int err);

// "a/b/c" -> "a/b"; "c" -> "."; "/c" -> "/".
std::string dir_name(std::string_view path);
std::string base_name(std::string_view path);
std::string join(std::string_view dir, std::string_view name);

// Replaces `path` with `data` crash-safely: temp file in the same directory, write, fsync,
// close, rename over `path`, fsync the directory. On failure the old file is untouched and
// the temp file is removed.
Result<void> write_file_atomic(FileSystem& fs, const std::string& path, std::string_view data,
                               unsigned mode = 0600);

// Reads a whole file; fails with kind config if it is larger than max_bytes.
Result<std::string> read_file(const std::string& path, size_t max_bytes = 64u << 20);

bool exists(const std::string& path);
bool is_directory(const std::string& path);

}  // namespace psyncd::fs
