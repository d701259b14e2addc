#include "psync/stale_temps.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "common/log.hpp"
#include "spool/temp_sweep.hpp"

namespace psyncd::psync {

int sweep_link_temps(fs::FileSystem& fs, const spool::MailRoot& root, const Clock& clock) {
  const std::string top = root.tmp_dir();
  std::vector<std::string> dirs;
  if (DIR* d = ::opendir(top.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      if (e->d_name[0] == '.') continue;
      std::string path = fs::join(top, e->d_name);
      struct stat st;
      if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) dirs.push_back(path);
    }
    ::closedir(d);
  }
  int total = 0;
  for (const auto& dir : dirs) {
    auto removed = spool::sweep_stale_temp(fs, dir, clock, kStaleTempAge);
    if (!removed) {
      log::warn("{}", removed.error().to_string());
      continue;
    }
    if (*removed > 0) {
      log::info("{}: removed {} temp files older than {} hours (left by a stopped session)",
                dir, *removed, kStaleTempAge.count());
    }
    total += *removed;
  }
  return total;
}

}  // namespace psyncd::psync
