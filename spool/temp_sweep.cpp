#include "spool/temp_sweep.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <cerrno>
#include <vector>

namespace psyncd::spool {

Result<int> sweep_stale_temp(fs::FileSystem& fs, const std::string& dir, const Clock& clock,
                             std::chrono::seconds older_than) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return 0;
    return fs::sys_error("cannot list", dir, errno);
  }
  auto cutoff = std::chrono::system_clock::to_time_t(clock.now() - older_than);
  std::vector<std::string> stale;
  while (const dirent* e = ::readdir(d)) {
    std::string path = fs::join(dir, e->d_name);
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (st.st_mtime < cutoff) stale.push_back(std::move(path));
  }
  ::closedir(d);
  int removed = 0;
  for (const auto& path : stale) {
    auto r = fs.unlink(path);
    if (!r && r.error().kind != ErrorKind::not_found) return r.error();
    if (r) ++removed;
  }
  return removed;
}

}  // namespace psyncd::spool
