#include "psync/cycle_stale_temps.hpp"

#include <string>
#include <vector>

#include "common/log.hpp"
#include "spool/temp_sweep.hpp"

namespace psyncd::psync {

int sweep_link_temps(fs::FileSystem& fs, const spool::MailRoot& root, const Clock& clock) {
  const std::string top = root.tmp_dir();
  std::vector<std::string> dirs;
  if (auto entries = fs.list_dir(top)) {
    for (const auto& e : *entries) {
      if (e.name[0] != '.' && e.type == fs::DirEntry::Type::directory)
        dirs.push_back(fs::join(top, e.name));
    }
  }
  int total = 0;
  for (const auto& dir : dirs) {
    auto removed = spool::sweep_stale_temp(fs, dir, clock, kStaleTempAge);
    if (!removed) {
      log::warn("{}", removed.error().to_string());
      continue;
    }
    if (*removed > 0) {
      log::info("{}: removed {} temp files older than {} hours (left by a stopped session)", dir,
                *removed, kStaleTempAge.count());
    }
    total += *removed;
  }
  return total;
}

}  // namespace psyncd::psync
