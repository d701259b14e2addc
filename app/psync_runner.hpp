// run_psync: the PSYNC side of psyncd as the command line asks for it. With --once it runs
// one cycle over every link of MAIL_ROOT/pop3links.tab, prints one summary line per link and
// returns 0 when every due link succeeded (EX_TEMPFAIL otherwise, or the sysexits code of an
// unreadable table). Otherwise it is the scheduler loop: a cycle at start-up, then every -Yi
// seconds, and whenever MAIL_ROOT/.psync-trigger appears (checked every second), until *stop.
// Signals are the caller's: it only reads the stop flag. `observer` (optional) hears every
// link's start, progress and end as they happen, from the worker threads (psync_service.hpp).
// `self` (optional) holds the ports psyncd's own POP3 server has bound, for the self-poll
// refusal (psync/cycle_self_poll.hpp); without it no link is a self-poll.
#pragma once

#include <atomic>
#include <ostream>

#include "app/options.hpp"
#include "common/clock.hpp"
#include "psync/psync_service.hpp"

namespace psyncd::app {

int run_psync(const Options& options, std::ostream& out, std::ostream& err,
              const std::atomic<bool>* stop = nullptr, const Clock& clock = system_clock(),
              psync::CycleObserver* observer = nullptr, const psync::SelfListener* self = nullptr);

}  // namespace psyncd::app
