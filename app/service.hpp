// run_service: psyncd as one foreground service (systemd style), as XMail runs its modules.
// The PSYNC scheduler (run_psync) and the POP3/POP3S listener (pop3d::run_server) each run on
// their own thread; the main thread owns the signals: SIGTERM/SIGINT set the stop flag (PSYNC
// finishes the messages in flight, pop3d closes sessions without committing deletions), SIGHUP
// starts a PSYNC cycle at once (which re-reads every table; pop3d re-reads its tables by mtime
// at each login), SIGPIPE is ignored. MAIL_ROOT/psyncd.pid (flock'ed) keeps a second copy out.
// It also keeps MAIL_ROOT/psyncd/status.tab from the per-link summaries (link_status.hpp).
#pragma once

#include <ostream>

#include "app/options.hpp"

namespace psyncd::app {

int run_service(const Options& options, std::ostream& out, std::ostream& err);

// `psyncd --status`: prints the status file, one line per link. EX_NOINPUT when it is absent.
int print_status(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace psyncd::app
