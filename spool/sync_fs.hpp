// syncfs(2) for batch durability. Flushing a whole batch with one syncfs of the MAIL_ROOT file
// system replaces one fsync per message file and one per target directory, so a batch of N
// messages costs 3 sync calls instead of N + dirs + 1. The common file-system seam
// (common/fs.hpp, not ours) has no syncfs yet, so spool adds it as an optional extension: a
// FileSystem that also implements SyncFs gets the batched path; any other FileSystem (the
// fault-injection one, say) gets per-file fsyncs. Only durability calls live here.
#pragma once

#include <string>

#include "common/fs.hpp"
#include "common/result.hpp"

namespace psyncd::spool {

class SyncFs {
 public:
  virtual ~SyncFs() = default;
  // Flushes every dirty file and directory of the file system holding `path` (a directory
  // or file that exists).
  virtual Result<void> syncfs(const std::string& path) = 0;
};

// Any FileSystem plus syncfs(2): the seam calls go to `inner`; syncfs() calls posix_syncfs.
// Tests derive from it to count or fail syncfs like the other calls.
class WithSyncFs : public fs::FileSystem, public SyncFs {
 public:
  explicit WithSyncFs(fs::FileSystem& inner) : inner_(inner) {}
  Result<int> open(const std::string& p, int flags, unsigned mode) override;
  Result<void> write_all(int fd, std::string_view d, const std::string& p) override;
  Result<void> fsync(int fd, const std::string& p) override;
  Result<void> close(int fd, const std::string& p) override;
  Result<void> rename(const std::string& from, const std::string& to) override;
  Result<void> link(const std::string& from, const std::string& to) override;
  Result<int> open_unnamed(const std::string& dir, unsigned mode) override;
  Result<void> link_fd(int fd, const std::string& to) override;
  Result<void> unlink(const std::string& p) override;
  Result<void> mkdir(const std::string& p, unsigned mode) override;
  Result<void> fsync_dir(const std::string& d) override;
  Result<void> syncfs(const std::string& path) override;

 protected:
  fs::FileSystem& inner_;
};

// The extension of `fs`, or nullptr when it has none.
SyncFs* as_sync_fs(fs::FileSystem& fs);

// fs::posix() plus syncfs(2): what the fetch engine hands to DeliveryBatch.
fs::FileSystem& posix_with_syncfs();

// syncfs(2) on the file system holding `path` (used by posix_with_syncfs and test wrappers).
Result<void> posix_syncfs(const std::string& path);

}  // namespace psyncd::spool
