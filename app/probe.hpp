// psyncd --probe LINK: connects to one link's server as a sync would (same TLS mode, trust
// files, pin, OutBind and -YT timeout) and shows what it found: the greeting, the CAPA list,
// TLS (protocol, cipher, certificate subject, issuer, expiry, verification) and whether the
// login works; then QUIT. It sends no STAT, UIDL, RETR or DELE and writes nothing under
// MAIL_ROOT (no lock, no UIDL seen-DB), so it can run beside the daemon. With --trace every
// command and reply is shown too (pop3/client/protocol_trace.hpp).
#pragma once

#include <ostream>
#include <string>

#include "app/options.hpp"

namespace psyncd::app {

// Exit status: 0 when the login works, 1 when it does not (or the connection fails), 64
// when LINK names no usable link, 78 when pop3links.tab cannot be read.
int run_probe(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace psyncd::app
