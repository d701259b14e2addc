#include "spool/temp_sweep.hpp"

#include <vector>

namespace psyncd::spool {

Result<int> sweep_stale_temp(fs::FileSystem& fs, const std::string& dir, const Clock& clock,
                             std::chrono::seconds older_than) {
  auto entries = fs.list_dir(dir);
  if (!entries) {
    if (entries.error().kind == ErrorKind::not_found) return 0;
    return entries.error();
  }
  auto cutoff = std::chrono::system_clock::to_time_t(clock.now() - older_than);
  std::vector<std::string> stale;
  for (const auto& e : *entries) {
    if (e.type == fs::DirEntry::Type::regular && e.mtime < cutoff)
      stale.push_back(fs::join(dir, e.name));
  }
  int removed = 0;
  for (const auto& path : stale) {
    auto r = fs.unlink(path);
    if (!r && r.error().kind != ErrorKind::not_found) return r.error();
    if (r) ++removed;
  }
  return removed;
}

}  // namespace psyncd::spool
