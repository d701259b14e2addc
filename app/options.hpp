// The psyncd command line: XMail's flags (-Ms, -Y*, -P*, -B*, -M*; docs/xmail-formats.md §9.6) with
// MAIL_CMD_LINE appended as XMail does, plus our long options (--once, --check, --status,
// --xmail-handoff, --help, --version). Parsing only: nothing is opened or started here.
// Departures from XMail: an unknown flag, a missing value or a value that is not a strict
// decimal number is an error naming the flag (XMail ignores them or uses atoi), and the POP3
// idle timeout defaults to 600 s (RFC 1939) instead of 90 s (docs/xmail-differences.md "Defaults").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace psyncd::app {

enum class Mode { run, once, check, status, probe, oauth_login, help, version };
enum class MailboxFormat { maildir, mailbox };

struct Listener {
  bool enabled = true;
  uint16_t port = 0;
  std::vector<std::string> bind;  // -PI / -BI values ("ip" or "ip:port"), empty = all
  bool ipv6 = false;              // -P6 / -B6
};

struct Options {
  Mode mode = Mode::run;
  std::string mail_root;       // -Ms, else env MAIL_ROOT
  bool xmail_handoff = false;  // --xmail-handoff: drop into spool/local/ for a live XMail
  std::string probe_link;      // --probe LINK: a pop3links.tab line number or user@server
  std::string oauth_login;     // --oauth-login NAME: the token file MAIL_ROOT/oauth/NAME
  bool json = false;           // --json (with --status): the machine form
  bool trace = false;          // --trace (with --once or --probe): the POP3 sessions' lines
  std::string log_level;       // --log-level: error, warning, info or debug; "" = server.tab

  // PSYNC
  bool psync_enabled = true;      // -Y- turns it off
  unsigned psync_interval = 120;  // -Yi seconds; 0 = only on .psync-trigger
  unsigned psync_threads = 8;     // -Yt, clamped to 1..32 as XMail does
  unsigned psync_timeout = 90;    // -YT seconds, POP3 client connect/send/receive
  bool psync_log = false;         // -Yl

  // POP3 server
  Listener pop3{true, 110, {}, false};   // -Pp -PI -P6 -P-
  Listener pop3s{true, 995, {}, false};  // -Bp -BI -B6 -B-
  unsigned pop3_timeout = 600;           // -Pt seconds idle
  unsigned pop3_login_delay = 5;         // -Pw seconds, doubled per failure
  bool pop3_hangup = false;              // -Ph
  bool pop3_log = false;                 // -Pl
  unsigned pop3_max_sessions = 1024;     // -PX

  // Mail store
  MailboxFormat mailbox_format = MailboxFormat::maildir;  // -MM / -Mm
  unsigned log_rotate_hours = 24;                         // -Mr
  unsigned spool_split = 23;                              // -Mx
};

struct Environment {
  std::optional<std::string> mail_root;      // MAIL_ROOT
  std::optional<std::string> mail_cmd_line;  // MAIL_CMD_LINE
  static Environment from_process();
};

// args: argv without argv[0]. Errors have kind usage and name the flag in `field`.
Result<Options> parse_options(const std::vector<std::string>& args, const Environment& env);

// The --help text.
std::string usage_text();

}  // namespace psyncd::app
