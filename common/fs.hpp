// The file-system seam: every write, fsync, rename and unlink that durability depends on goes
// through a FileSystem, so tests can inject ENOSPC, EIO or a "crash" after the k-th call
// (tests/support/faulty_fs.hpp). Reads go straight to POSIX: they cannot lose mail.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace psyncd::fs {

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
};

// The real, POSIX file system.
FileSystem& posix();

// Error for a failed system call on `path`: kind io (not_found for ENOENT), text with strerror.
Error sys_error(std::string_view what, const std::string& path, int err);

// "a/b/c" -> "a/b"; "c" -> "."; "/c" -> "/".
std::string dir_name(std::string_view path);
std::string base_name(std::string_view path);
std::string join(std::string_view dir, std::string_view name);

// mkdir -p, each missing component created with `mode`.
Result<void> make_dirs(FileSystem& fs, const std::string& path, unsigned mode = 0700);

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
