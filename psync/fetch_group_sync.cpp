#include "psync/fetch_group_sync.hpp"

#include <sys/stat.h>

#include <cerrno>

namespace psyncd::psync {

GroupSyncFs::GroupSyncFs(fs::FileSystem& inner) : ForwardingFileSystem(inner) {}

std::uint64_t GroupSyncFs::real_syncs() const {
  std::lock_guard lock(mutex_);
  return real_syncs_;
}

Result<void> GroupSyncFs::syncfs(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return fs::sys_error("stat", path, errno);
  std::unique_lock lock(mutex_);
  Group& g = groups_[static_cast<std::uint64_t>(st.st_dev)];
  const std::uint64_t ticket = ++g.wanted;
  ++g.waiting;
  while (g.completed < ticket) {
    if (g.running) {
      cv_.wait(lock);
      continue;
    }
    // Nobody is syncing: this caller syncs for every ticket handed out so far.
    g.running = true;
    const std::uint64_t covering = g.wanted;
    lock.unlock();
    Result<void> r = do_syncfs(path);
    lock.lock();
    ++real_syncs_;
    g.running = false;
    if (!r) g.failures.emplace(covering, std::make_pair(g.completed + 1, r.error()));
    g.completed = covering;
    cv_.notify_all();
  }
  Result<void> out;
  auto it = g.failures.lower_bound(ticket);
  if (it != g.failures.end() && it->second.first <= ticket) out = it->second.second;
  if (--g.waiting == 0) g.failures.clear();
  return out;
}

GroupSyncFs& shared_group_sync_fs() {
  static GroupSyncFs instance(fs::posix());
  return instance;
}

}  // namespace psyncd::psync
