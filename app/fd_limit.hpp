// Raises the soft limit on open descriptors to the hard limit (at most kWantedFds), once at
// start-up: the POP3 server holds one per session (-PX defaults to 1024, the usual soft
// limit) and a PSYNC batch keeps one per unnamed temp file (spool/delivery.hpp) until it is
// published. systemd and most shells start services with a soft limit of 1024 and a far
// higher hard one, which a process may raise itself without privileges.
#pragma once

namespace psyncd::app {

inline constexpr unsigned long kWantedFds = 65536;

// Best effort: on failure the limit stays as it was (the budgets adapt to it).
void raise_fd_limit();

}  // namespace psyncd::app
