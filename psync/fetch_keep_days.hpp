// KeepDays=N (psyncd extension): messages stay on the server like Leave and are deleted N days
// after their first download. XMail's seen-DB has no dates, so the download times live in a
// psyncd-owned file, MAIL_ROOT/psyncd/keepdays/<S(user)>@<S(server)>.tab, one
// "<uidl>\t<unix seconds>" line per UIDL still kept; written temp + fsync + rename.
// UIDLs without a date (a seen-DB written by XMail) get the current time when first met.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/fs.hpp"
#include "common/result.hpp"

namespace psyncd::psync {

using KeepDates = std::map<std::string, long long>;  // uidl -> first download, unix seconds

std::string keep_days_path(const std::string& mail_root, std::string_view server,
                           std::string_view user);
// A missing file is empty; malformed lines are skipped.
Result<KeepDates> read_keep_dates(const std::string& path);
Result<void> write_keep_dates(fs::FileSystem& fs, const std::string& path, const KeepDates& dates);

}  // namespace psyncd::psync
