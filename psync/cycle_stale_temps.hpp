// Orphaned temp files of links: MAIL_ROOT/tmp/<link>/ holds a link's messages while they are
// written. A session removes its own link's leftovers under the link lock (fetch_engine), but
// a link deleted from pop3links.tab after a crash is never polled again, so its leftovers
// would stay for ever. The service therefore sweeps every link temp directory at start-up and
// once a day, removing only files older than 36 hours (spool/temp_sweep.hpp), which no
// running session can own.
#pragma once

#include <chrono>

#include "common/clock.hpp"
#include "common/fs.hpp"
#include "spool/mail_root.hpp"

namespace psyncd::psync {

inline constexpr std::chrono::hours kStaleTempAge{36};

// Sweeps each directory under MAIL_ROOT/tmp; logs what it removed and what it could not
// list or remove. Returns the number of files removed.
int sweep_link_temps(fs::FileSystem& fs, const spool::MailRoot& root, const Clock& clock);

}  // namespace psyncd::psync
