// GroupSyncFs: the file system the PSYNC workers share, with syncfs(2) as a group commit.
// Every batch of every link ends with syncfs calls (common/fs.hpp); with -Yt workers each
// calling syncfs on its own, the calls queue behind each other and each one flushes the
// others' data again. Here a caller waits for ONE syncfs that started after its call (so it
// covers the caller's writes) and one worker runs it for everyone waiting. Errors go to every
// caller the failed sync was meant to cover. One group per file system (st_dev).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "common/fs.hpp"

namespace psyncd::psync {

class GroupSyncFs : public fs::ForwardingFileSystem {
 public:
  explicit GroupSyncFs(fs::FileSystem& inner);
  bool has_syncfs() const override { return true; }
  Result<void> syncfs(const std::string& path) override;
  // Number of real syncfs(2) calls made (for tests and benchmarks).
  std::uint64_t real_syncs() const;

 protected:
  // The real call; tests override it to count or delay.
  virtual Result<void> do_syncfs(const std::string& path) { return inner_.syncfs(path); }

 private:
  struct Group {
    std::uint64_t wanted = 0;     // tickets handed out
    std::uint64_t completed = 0;  // every ticket <= completed is covered
    bool running = false;
    std::uint64_t waiting = 0;  // callers holding a ticket
    // Failed syncs: last ticket covered -> (first ticket covered, the error). Syncs run one
    // after the other, so their ranges never overlap. Emptied whenever no caller holds a
    // ticket, so a daemon on a failing disk does not collect them for ever.
    std::map<std::uint64_t, std::pair<std::uint64_t, Error>> failures;
  };
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::uint64_t, Group> groups_;  // by st_dev
  std::uint64_t real_syncs_ = 0;
};

// The process-wide instance over the real file system: what the fetch engine uses.
GroupSyncFs& shared_group_sync_fs();

}  // namespace psyncd::psync
