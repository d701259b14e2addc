#include "app/once_report.hpp"

#include <fmt/format.h>

#include <array>
#include <sstream>

#include "app/link_status.hpp"
#include "app/psync_runner.hpp"

namespace psyncd::app {

namespace {

struct Hint {
  const char* needle;
  const char* advice;
};

// First match wins: the more specific texts come first.
const std::array<Hint, 11> kHints = {{
    {"delayed after failures",
     "retried once its delay has passed (server.tab PsyncFailedHostDelay / "
     "PsyncFailedAccountDelay); restart psyncd to retry at once"},
    {"self-poll", "field 3 points at psyncd's own POP3 server: point the link at the remote"},
    {"skipped", "another psyncd or XMail is syncing this link now; nothing to do"},
    {"certificate",
     "the server's TLS certificate was not accepted: install its CA, or pin it with "
     "Pin=sha256:... (or NoVerify) in field 6"},
    {"login refused",
     "check the remote user (field 4) and the password (field 5, made with xmcrypt); "
     "try APOP or SASL= in field 6 if the server wants them"},
    {"[AUTH]", "check the remote user (field 4) and the password (field 5, made with xmcrypt)"},
    {"Pop3SyncErrorAccount",
     "a recipient is not local: add the account, or set Pop3SyncErrorAccount in server.tab"},
    {"timed out", "the server did not answer in time: check field 3 and the network, or raise -YT"},
    {"connect", "cannot reach field 3's server[:port]: check the name, port and firewall"},
    {"resolve", "the server name in field 3 does not resolve: check it and DNS"},
    {"STLS", "the server does not offer STLS: drop STLS/FSTLS from field 6 or use POP3S"},
}};

bool failed(std::string_view outcome) {
  return outcome.substr(0, 4) == "FAIL";
}

}  // namespace

std::string failure_hint(std::string_view outcome) {
  if (!failed(outcome) && outcome.substr(0, 7) != "skipped") return "";
  for (const Hint& h : kHints)
    if (outcome.find(h.needle) != std::string_view::npos) return h.advice;
  return failed(outcome) ? "see the log lines above; psyncd --check -Ms MAIL_ROOT validates "
                           "the tables"
                         : "";
}

std::string annotate_once_output(std::string_view summaries) {
  std::string out;
  StatusBook book(0);
  unsigned ok = 0, bad = 0, other = 0;
  std::istringstream in{std::string(summaries)};
  for (std::string line; std::getline(in, line);) {
    out += line + "\n";
    auto parts = split_summary(line);
    if (!parts) continue;
    const std::string& outcome = parts->second;
    book.record(line, 0);
    if (outcome.substr(0, 2) == "ok")
      ++ok;
    else if (failed(outcome))
      ++bad;
    else
      ++other;
    if (auto hint = failure_hint(outcome); !hint.empty()) out += "    what to do: " + hint + "\n";
  }
  uint64_t msgs = 0, bytes = 0;
  for (const auto& s : book.entries()) {
    msgs += s.msgs;
    bytes += s.bytes;
  }
  out += fmt::format("psyncd --once: {} links: {} ok, {} failed, {} not run; {} msgs {} bytes\n",
                     ok + bad + other, ok, bad, other, msgs, bytes);
  return out;
}

int run_once_report(const Options& options, std::ostream& out, std::ostream& err) {
  std::ostringstream lines;
  int rc = run_psync(options, lines, err);
  out << annotate_once_output(lines.str());
  out.flush();
  return rc;
}

}  // namespace psyncd::app
