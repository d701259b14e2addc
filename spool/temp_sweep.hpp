// Removes temp files left behind by a crash before they were journalled (Maildir/tmp,
// domain .tmp, MAIL_ROOT/tmp, spool/temp). Maildir readers ignore tmp/, but XMail counts it
// in the quota (docs/xmail-formats.md §6.3), so orphans must not pile up. Only regular files older
// than `older_than` are removed (the Maildir convention is 36 hours), so a delivery in progress in
// another process is never touched. Temp files named in the journal are its business.
#pragma once

#include <chrono>
#include <string>

#include "common/clock.hpp"
#include "common/fs.hpp"
#include "common/result.hpp"

namespace psyncd::spool {

// Returns how many files were removed; a missing directory removes none.
Result<int> sweep_stale_temp(fs::FileSystem& fs, const std::string& dir, const Clock& clock,
                             std::chrono::seconds older_than = std::chrono::hours(36));

}  // namespace psyncd::spool
