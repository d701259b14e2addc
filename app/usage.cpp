#include "app/options.hpp"

namespace psyncd::app {

std::string usage_text() {
  return R"(usage: psyncd [-Ms MAIL_ROOT] [options]
       psyncd --check -Ms MAIL_ROOT
       psyncd --oauth-login NAME -Ms MAIL_ROOT

XMail-compatible mail service: PSYNC fetcher (POP3LINKS.TAB), mail store, POP3 server.
Options from the environment variable MAIL_CMD_LINE are appended to the command line.

Modes:
  (none)            run the services
  --once            run one PSYNC cycle over every link, then exit
  --check           validate MAIL_ROOT; print file:line: problems; exit 1 on errors
  --status          print the state of the links and exit (--json: as one JSON document)
  --probe LINK      connect to a link's server (LINK: its pop3links.tab line number or
                    remote-user@server[:port]): greeting, CAPA, TLS, whether login works;
                    fetches and changes nothing; exit 0 when the login works, 1 otherwise
  --oauth-login NAME  get the first OAuth 2.0 refresh token for the token file
                    MAIL_ROOT/oauth/NAME (written first with provider, client_id, ...):
                    device code (Microsoft) or browser sign-in with a pasted address
                    (Google); stores it mode 0600; prints no token
  --help, -h        this text
  --version         print the version

General:
  -Ms path          MAIL_ROOT (default: env MAIL_ROOT)
  --log-level L     error, warning, info or debug (default: server.tab LogLevel, or info)
  --trace           with --once or --probe: log every POP3 command and reply (credentials
                    redacted, message bodies as sizes)
  -MM | -Mm         deliver to Maildir (default) | to mailbox/
  -Mr hours         log rotation (24)
  -Mx n             spool split level (23)
  --xmail-handoff   hand fetched mail to a live XMail through spool/local/

PSYNC:
  -Yi secs          polling interval (120; 0 = only when .psync-trigger appears)
  -Yt n             links fetched at once, 1..32 (8)
  -YT secs          POP3 client timeout (90)
  -Yl               write the PSYNC log
  -Y-               disable PSYNC

POP3 / POP3S server:
  -Pp port          POP3 port (110)      -Bp port   POP3S port (995)
  -PI ip[:port]     bind address, repeatable; -BI for POP3S
  -P6 / -B6         IPv6 listener
  -Pt secs          idle timeout (600; XMail's default is 90)
  -Pw secs          bad-login delay, doubled per failure (5)
  -Ph               hang up after a bad login instead of delaying
  -Pl               write the POP3 log
  -PX n             maximum sessions (1024)
  -P- / -B-         disable POP3 / POP3S
)";
}

}  // namespace psyncd::app
