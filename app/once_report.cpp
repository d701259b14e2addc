#include "app/once_report.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <regex>
#include <sstream>

#include "app/once_progress.hpp"
#include "app/psync_runner.hpp"

namespace psyncd::app {

namespace {

struct Hint {
  const char* needle;
  const char* advice;
};

constexpr const char* kAuthAdvice =
    "check the remote user (field 4) and the password (field 5, made with xmcrypt); "
    "try APOP or SASL= in field 6 if the server wants them";
constexpr const char* kMountAdvice =
    "a message cannot be moved across a mount point: keep each Maildir's tmp/ and new/ (and "
    "spool/temp and spool/local) on one file system; psyncd --check -Ms MAIL_ROOT lists the "
    "mount boundaries it cannot cross";
constexpr const char* kConnectAdvice =
    "cannot reach field 3's server[:port]: check the name, port and firewall";

// First match wins: the more specific texts come first, then the step the failure
// happened in, then texts that are only a guess ("connect" is also in "connection closed").
const std::array<Hint, 27> kHints = {{
    {"FAIL (invalid)",
     "the line in pop3links.tab cannot run: fix it (psyncd --check -Ms MAIL_ROOT lists every "
     "problem)"},
    {"delayed after failures",
     "retried once its delay has passed (server.tab PsyncFailedHostDelay / "
     "PsyncFailedAccountDelay); restart psyncd to retry at once"},
    {"self-poll", "field 3 points at psyncd's own POP3 server: point the link at the remote"},
    {"skipped", "another psyncd or XMail is syncing this link now; nothing to do"},
    {"does not match the pinned",
     "the server's certificate is not the one Pin=sha256: in field 6 names: it was renewed, "
     "or this is not the server you pinned; check the new fingerprint with the server's admin "
     "before you copy it into field 6"},
    {"did not start TLS",
     "Pin=sha256: needs TLS: the server offers no STLS, so use POP3S or ask for STLS"},
    {"certificate",
     "the server's TLS certificate was not accepted: install its CA, or pin it with "
     "Pin=sha256:... (or NoVerify) in field 6"},
    {"is not offered by the server",
     "SASL= in field 6 names a mechanism the server does not offer: pick one it lists, or drop "
     "SASL= (psyncd then picks the strongest both sides know)"},
    {"login refused", kAuthAdvice},
    {"[AUTH]", "check the remote user (field 4) and the password (field 5, made with xmcrypt)"},
    {"Pop3SyncErrorAccount",
     "a recipient cannot be delivered here (the reason says why): add the account or alias, or "
     "set Pop3SyncErrorAccount in server.tab"},
    {"stopped answering after the login",
     "the server took the login, then went silent: its mail process did not answer (see the "
     "server's log); a longer -YT does not help"},
    {"timed out", "the server did not answer in time: check field 3 and the network, or raise -YT"},
    {"resolve", "the server name in field 3 does not resolve: check it and DNS"},
    {"STLS", "the server does not offer STLS: drop STLS/FSTLS from field 6 or use POP3S"},
    // EXDEV, and a temp directory the placement (spool/temp_placement.hpp) found on the wrong
    // side of a mount: free space is not the problem there.
    {"cross-device link", kMountAdvice},
    {"on another file system", kMountAdvice},
    {"No space left", "the file system under MAIL_ROOT is full: free space there"},
    {"FAIL (lock)",
     "cannot take the link lock: check MAIL_ROOT/pop3linklocks exists and is writable"},
    {"FAIL (connect)", kConnectAdvice},
    {"FAIL (auth)", kAuthAdvice},
    {"FAIL (list)",
     "the server failed the mailbox listing (STAT/UIDL/LIST): retried next cycle; if it "
     "persists, check the remote mailbox"},
    {"FAIL (retrieve)",
     "the transfer broke off: what arrived whole is kept, the rest comes next cycle (raise -YT "
     "for a slow server)"},
    {"FAIL (store)", "storing under MAIL_ROOT failed: check free space and permissions there"},
    {"FAIL (dele)",
     "deleting on the server failed: the stored messages are deleted next cycle, not fetched "
     "twice"},
    {"FAIL (quit)",
     "the server did not confirm QUIT, so it may keep the messages: the next cycle deletes them"},
    {"connect", kConnectAdvice},
}};

bool failed(std::string_view outcome) {
  return outcome.substr(0, 4) == "FAIL";
}

// "held N: why (counts)": the session went well but messages stayed on the server.
bool held(std::string_view outcome) { return outcome.substr(0, 5) == "held "; }

// The link and the outcome of a summary line ("who: outcome"); false when it is none.
bool split_summary(std::string_view line, std::string_view& outcome) {
  auto arrow = line.find(" -> ");
  if (arrow == std::string_view::npos) return false;
  auto colon = line.find(": ", arrow);
  if (colon == std::string_view::npos) return false;
  outcome = line.substr(colon + 2);
  return true;
}

unsigned terminal_width() {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace

std::string failure_hint(std::string_view outcome) {
  if (!failed(outcome) && !held(outcome) && outcome.substr(0, 7) != "skipped") return "";
  for (const Hint& h : kHints)
    if (outcome.find(h.needle) != std::string_view::npos) return h.advice;
  if (held(outcome))
    return "the messages stay on the remote server and are tried again next cycle; see the "
           "log lines above for each one";
  return failed(outcome) ? "see the log lines above; psyncd --check -Ms MAIL_ROOT validates "
                           "the tables"
                         : "";
}

std::string OnceTally::add(std::string_view line) {
  std::string out = std::string(line) + "\n";
  std::string_view outcome;
  if (!split_summary(line, outcome)) return out;
  if (outcome.substr(0, 2) == "ok")
    ++ok_;
  else if (failed(outcome))
    ++failed_;
  else if (held(outcome))
    ++held_;
  else
    ++other_;
  static const std::regex counts(R"((\d+) msgs (\d+) bytes)");
  std::match_results<std::string_view::const_iterator> m;
  if (std::regex_search(outcome.begin(), outcome.end(), m, counts)) {
    msgs_ += std::stoull(m[1].str());
    bytes_ += std::stoull(m[2].str());
  }
  if (auto hint = failure_hint(outcome); !hint.empty()) out += "    what to do: " + hint + "\n";
  return out;
}

std::string OnceTally::totals_line() const {
  return fmt::format(
      "psyncd --once: {} links: {} ok, {} held, {} failed, {} not run; {} msgs {} bytes\n",
      ok_ + held_ + failed_ + other_, ok_, held_, failed_, other_, msgs_, bytes_);
}

std::string annotate_once_output(std::string_view summaries) {
  std::string out;
  OnceTally tally;
  std::istringstream in{std::string(summaries)};
  for (std::string line; std::getline(in, line);) out += tally.add(line);
  return out + tally.totals_line();
}

int run_once_report(const Options& options, std::ostream& out, std::ostream& err, bool live) {
  std::ostringstream lines;
  if (!live) {
    int rc = run_psync(options, lines, err);
    out << annotate_once_output(lines.str());
    out.flush();
    return rc;
  }
  LiveProgress progress(out, system_clock(), terminal_width());
  int rc = run_psync(options, lines, err, nullptr, system_clock(), &progress);
  progress.done();
  return rc;
}

}  // namespace psyncd::app
