// A FileSystem wrapper for fault injection. It counts every call (open, write_all, fsync,
// close, rename, link, open_unnamed, link_fd, unlink, mkdir, fsync_dir, syncfs; not list_dir,
// which changes nothing) and can
//   - fail the k-th call with an errno (ENOSPC, EIO, ...), once;
//   - "crash" after the k-th call: that call and every later one do nothing and fail with EIO,
//     as if the process had died there. Nothing after the crash point reaches the disk, so a
//     test can then recover with a fresh store on the real file system and check the result.
#pragma once

#include <atomic>
#include <string>

#include "common/fs.hpp"

namespace psyncd::test {

class FaultyFs final : public fs::FileSystem {
 public:
  explicit FaultyFs(fs::FileSystem& real = fs::posix()) : real_(real) {}

  // The k-th call (1-based) from now fails once with `err`.
  void fail_call(long k, int err) {
    fail_at_ = calls_ + k;
    fail_errno_ = err;
  }
  // Calls from the k-th (1-based, counted from now) on are not performed.
  void crash_at_call(long k) { crash_at_ = calls_ + k; }
  bool crashed() const { return crash_at_ > 0 && calls_ >= crash_at_; }
  // open_unnamed() answers "cannot here" (-1, not counted): callers use named temp files.
  void named_temps_only() { unnamed_ = false; }
  // has_syncfs() answers true from now on, so DeliveryBatch syncs with syncfs(), each counted
  // as one fsync of the directory given; by default it answers false (per-file fsyncs).
  void use_syncfs() { syncfs_ = true; }
  long calls() const { return calls_; }
  long fsyncs() const { return fsyncs_; }

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
  bool has_syncfs() const override { return syncfs_; }
  Result<void> syncfs(const std::string& path) override;
  Result<std::vector<fs::DirEntry>> list_dir(const std::string& dir) override {
    return real_.list_dir(dir);
  }

 private:
  // Counts a call; returns an error if this call must fail (injected or after the crash).
  bool should_fail(const std::string& path, Error* out);

  fs::FileSystem& real_;
  long calls_ = 0;
  long fsyncs_ = 0;
  long fail_at_ = 0;
  int fail_errno_ = 0;
  long crash_at_ = 0;
  bool unnamed_ = true;
  bool syncfs_ = false;
};

}  // namespace psyncd::test
