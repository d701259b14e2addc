#include "spool/temp_placement.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cerrno>

namespace psyncd::spool {

TempPlacement::TempPlacement(fs::FileSystem& fs, const MailRoot& root, std::string preferred,
                             DeviceOf device_of)
    : fs_(fs), root_(root), preferred_(std::move(preferred)), device_of_(std::move(device_of)) {}

Result<dev_t> TempPlacement::stat_device(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return fs::sys_error("cannot stat", dir, errno);
  return st.st_dev;
}

Result<dev_t> TempPlacement::device(const std::string& dir) {
  if (auto it = devices_.find(dir); it != devices_.end()) return it->second;
  auto dev = device_of_(dir);
  if (dev) devices_.emplace(dir, *dev);
  return dev;
}

std::string TempPlacement::beside(const MailRoot& root, const std::string& target_dir) {
  if (target_dir == root.spool_local_dir()) return root.spool_temp_dir();
  std::string parent = fs::dir_name(target_dir);
  if (fs::base_name(target_dir) == "new") return fs::join(parent, "tmp");  // Maildir
  return fs::join(fs::dir_name(parent), ".tmp");  // domains/<d>/<a>/mailbox -> domains/<d>/.tmp
}

Result<std::string> TempPlacement::temp_dir_for(const std::vector<Target>& targets) {
  if (targets.empty()) return make_error(ErrorKind::internal, "a message without targets");
  auto first = device(targets.front().dir);
  if (!first) return first.error();
  for (size_t i = 1; i < targets.size(); ++i) {
    auto dev = device(targets[i].dir);
    if (!dev) return dev.error();
    if (*dev != *first) {
      Error e{ErrorKind::config,
              targets[i].dir,
              0,
              {},
              fmt::format("on another file system than {}: one message cannot be stored "
                          "across a mount (recipients {} and {})",
                          targets.front().dir, targets.front().key, targets[i].key)};
      e.cause = ErrorCause::cross_device;
      return e;
    }
  }
  if (auto dev = device(preferred_); dev && *dev == *first) return preferred_;
  std::string dir = beside(root_, targets.front().dir);
  if (!device(dir)) {
    if (auto made = fs_.make_dirs(dir); !made) return made.error();
  }
  auto dev = device(dir);
  if (!dev) return dev.error();
  if (*dev != *first) {
    Error e{ErrorKind::config,
            dir,
            0,
            {},
            fmt::format("is on another file system than {}: no temp directory there to "
                        "stage messages in",
                        targets.front().dir)};
    e.cause = ErrorCause::cross_device;
    return e;
  }
  return dir;
}

}  // namespace psyncd::spool
