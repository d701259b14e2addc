// TempPlacement: picks, for each message, a temp directory on its targets' file system, so the
// link(2)/rename(2) that publishes it never crosses a mount (EXDEV): domains/ or the spool on
// their own file system are normal. The preferred directory (the link's MAIL_ROOT/tmp/<link>,
// one per link so that parallel links do not contend for one directory) is used whenever it
// shares the targets' device (st_dev); else a directory beside the first target: Maildir/tmp
// for Maildir/new, spool/temp for spool/local, the domain's .tmp for mailbox/ (made when
// missing). Devices are cached per directory for the placement's life (one session). The
// targets of one message on several file systems cannot share a temp file: that is an error
// naming two of them. Reads only (stat), except making a missing domain .tmp.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/fs.hpp"
#include "common/result.hpp"
#include "spool/delivery_batch.hpp"
#include "spool/mail_root.hpp"

namespace psyncd::spool {

class TempPlacement {
 public:
  // The device of a directory: stat(2) in production; tests inject another.
  using DeviceOf = std::function<Result<dev_t>(const std::string& dir)>;

  TempPlacement(fs::FileSystem& fs, const MailRoot& root, std::string preferred,
                DeviceOf device_of = stat_device);

  // Where to stage a message for `targets` (not empty).
  Result<std::string> temp_dir_for(const std::vector<Target>& targets);

  // The temp directory a target directory falls back to: Maildir/tmp, spool/temp or the
  // domain's .tmp. Also used by psyncd --check.
  static std::string beside(const MailRoot& root, const std::string& target_dir);
  static Result<dev_t> stat_device(const std::string& dir);

 private:
  Result<dev_t> device(const std::string& dir);

  fs::FileSystem& fs_;
  const MailRoot& root_;
  std::string preferred_;
  DeviceOf device_of_;
  std::map<std::string, dev_t> devices_;
};

}  // namespace psyncd::spool
