#include "app/advice.hpp"

#include <array>
#include <optional>

namespace psyncd::app {

namespace {

using psync::FetchStep;
using psync::HeldCause;
using psync::OutcomeKind;

// One row of the table; an empty optional matches anything.
struct Row {
  std::optional<OutcomeKind> kind;  // empty: failed or held (rows keyed on a cause)
  std::optional<FetchStep> step;
  std::optional<ErrorCause> cause;
  std::optional<HeldCause> held;
  const char* advice;
};

constexpr const char* kAuthAdvice =
    "check the remote user (field 4) and the password (field 5, made with xmcrypt); "
    "try APOP or SASL= in field 6 if the server wants them";
constexpr const char* kMountAdvice =
    "a message cannot be moved across a mount point: keep each Maildir's tmp/ and new/ (and "
    "spool/temp and spool/local) on one file system; psyncd --check -Ms MAIL_ROOT lists the "
    "mount boundaries it cannot cross";
constexpr const char* kSpaceAdvice = "the file system under MAIL_ROOT is full: free space there";

constexpr auto F = OutcomeKind::failed;
constexpr auto kAny = std::nullopt;

// What the link's outcome says first, then the error's cause (whatever the step), then the
// step, then a word for what is left.
const std::array<Row, 33> kRows = {{
    {OutcomeKind::invalid, kAny, kAny, kAny,
     "the line in pop3links.tab cannot run: fix it (psyncd --check -Ms MAIL_ROOT lists every "
     "problem)"},
    {OutcomeKind::delayed, kAny, kAny, kAny,
     "retried once its delay has passed (server.tab PsyncFailedHostDelay / "
     "PsyncFailedAccountDelay); restart psyncd to retry at once"},
    {OutcomeKind::self_poll, kAny, kAny, kAny,
     "field 3 points at psyncd's own POP3 server: point the link at the remote"},
    {OutcomeKind::skipped, kAny, kAny, kAny,
     "another psyncd or XMail is syncing this link now; nothing to do"},
    {OutcomeKind::stopped, kAny, kAny, kAny,
     "psyncd was told to stop (SIGTERM) before this link's turn: it runs at the next start"},
    {F, kAny, ErrorCause::tls_pin_mismatch, kAny,
     "the server's certificate is not the one Pin=sha256: in field 6 names: it was renewed, "
     "or this is not the server you pinned; check the new fingerprint with the server's admin "
     "before you copy it into field 6"},
    {F, kAny, ErrorCause::tls_not_started, kAny,
     "Pin=sha256: needs TLS: the server offers no STLS, so use POP3S or ask for STLS"},
    {F, kAny, ErrorCause::tls_certificate, kAny,
     "the server's TLS certificate was not accepted: install its CA, or pin it with "
     "Pin=sha256:... (or NoVerify) in field 6"},
    {F, kAny, ErrorCause::mechanism_missing, kAny,
     "SASL= in field 6 names a mechanism the server does not offer: pick one it lists, or drop "
     "SASL= (psyncd then picks the strongest both sides know)"},
    {F, kAny, ErrorCause::grant_refused, kAny,
     "re-authorize: the provider no longer accepts the link's refresh token (revoked, expired, "
     "or the account's password changed): sign in again with psyncd -Ms MAIL_ROOT --oauth-login "
     "NAME, NAME being the link's OAuth= token file; it replaces the grant there "
     "(docs/admin-guide.md \"OAuth 2.0\")"},
    {F, kAny, ErrorCause::token_file, kAny,
     "the link's OAuth= token file under MAIL_ROOT/oauth/ is missing, unsafe or broken (the "
     "line names it and the problem): fix it; psyncd --check -Ms MAIL_ROOT checks it too"},
    {F, kAny, ErrorCause::token_endpoint, kAny,
     "the OAuth 2.0 token endpoint (token_url or the provider's, in the token file) did not "
     "answer: check the network and DNS from this host to it; retried next cycle"},
    {F, kAny, ErrorCause::token_refused, kAny,
     "the server refused the OAuth 2.0 access token (the line says why): it expired, or it "
     "lacks the mail scope, or the mailbox may not use POP3: with OAuth= psyncd refreshed "
     "it once and the new one was refused too; without it, put a fresh token in field 5; "
     "check the app's scopes and the mailbox's POP3 setting"},
    {F, kAny, ErrorCause::login_refused, kAny, kAuthAdvice},
    {F, kAny, ErrorCause::login_busy, kAny,
     "the server refused the login for now (mailbox in use, or a login delay): retried next "
     "cycle; if it persists, look for another client that keeps the mailbox open"},
    {OutcomeKind::held, kAny, kAny, HeldCause::unroutable,
     "a recipient cannot be delivered here (the reason says why): add the account or alias, or "
     "set Pop3SyncErrorAccount in server.tab"},
    {F, kAny, ErrorCause::silent_after_login, kAny,
     "the server took the login, then went silent: its mail process did not answer (see the "
     "server's log); a longer -YT does not help"},
    {F, kAny, ErrorCause::timeout, kAny,
     "the server did not answer in time: check field 3 and the network, or raise -YT"},
    {F, kAny, ErrorCause::resolve, kAny,
     "the server name in field 3 does not resolve: check it and DNS"},
    {F, kAny, ErrorCause::stls_missing, kAny,
     "the server does not offer STLS: drop STLS/FSTLS from field 6 or use POP3S"},
    // EXDEV, and a temp directory the placement (spool/temp_placement.hpp) found on the wrong
    // side of a mount: free space is not the problem there.
    {kAny, kAny, ErrorCause::cross_device, kAny, kMountAdvice},
    {kAny, kAny, ErrorCause::no_space, kAny, kSpaceAdvice},
    {F, FetchStep::lock, kAny, kAny,
     "cannot take the link lock: check MAIL_ROOT/pop3linklocks exists and is writable"},
    {F, FetchStep::connect, kAny, kAny,
     "cannot reach field 3's server[:port]: check the name, port and firewall"},
    {F, FetchStep::auth, kAny, kAny, kAuthAdvice},
    {F, FetchStep::list, kAny, kAny,
     "the server failed the mailbox listing (STAT/UIDL/LIST): retried next cycle; if it "
     "persists, check the remote mailbox"},
    {F, FetchStep::retrieve, kAny, kAny,
     "the transfer broke off: what arrived whole is kept, the rest comes next cycle (raise -YT "
     "for a slow server)"},
    {F, FetchStep::store, kAny, kAny,
     "storing under MAIL_ROOT failed: check free space and permissions there"},
    {F, FetchStep::dele, kAny, kAny,
     "deleting on the server failed: the stored messages are deleted next cycle, not fetched "
     "twice"},
    {F, FetchStep::quit, kAny, kAny,
     "the server did not confirm QUIT, so it may keep the messages: the next cycle deletes "
     "them"},
    {OutcomeKind::held, kAny, kAny, HeldCause::retr_refused,
     "the server refused to send them (its reply is in the line): they are asked for again "
     "next cycle; if it persists, ask the server's admin"},
    {OutcomeKind::held, kAny, kAny, kAny,
     "the messages stay on the remote server and are tried again next cycle; see the log lines "
     "above for each one"},
    {F, kAny, kAny, kAny,
     "see the log lines above; psyncd --check -Ms MAIL_ROOT validates the tables"},
}};

// ok and disabled match no row: nothing to do.
bool matches(const Row& row, const AdviceKey& key) {
  if (row.kind ? *row.kind != key.kind
               : key.kind != OutcomeKind::failed && key.kind != OutcomeKind::held)
    return false;
  if (row.step && (key.kind != OutcomeKind::failed || *row.step != key.step)) return false;
  if (row.cause && *row.cause != key.cause) return false;
  return !row.held || *row.held == key.held;
}

}  // namespace

AdviceKey advice_key(const psync::LinkReport& report) {
  AdviceKey key;
  key.kind = psync::kind_of(report);
  const psync::LinkResult& r = report.result;
  if (key.kind == OutcomeKind::failed) {
    key.step = r.step;
    key.cause = r.error.cause;
  } else if (key.kind == OutcomeKind::held) {
    key.held = r.held_cause;
    key.cause = r.held_error;
  }
  return key;
}

std::string advice(const AdviceKey& key) {
  for (const Row& row : kRows)
    if (matches(row, key)) return row.advice;
  return "";
}

}  // namespace psyncd::app
