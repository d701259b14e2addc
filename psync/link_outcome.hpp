// The typed outcome of one link in one cycle, from the fetch engine to every report: the step a
// sync reached, the error (kind, cause, our diagnosis, and the server's reply kept apart), the
// counts, and what the cycle did with the link (ran, disabled, delayed, ...). Reports (the
// --once lines, the daemon's log, the status file, the exit status) read these fields and never
// parse the texts made from them; the texts are made here, in one place, from the fields.
// It does not pick advice (app/advice.hpp) or run anything.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/result.hpp"
#include "psync/link.hpp"

namespace psyncd::psync {

// Where a link's sync is; a failure happened in the last step reached.
enum class FetchStep { lock, connect, auth, list, retrieve, store, dele, quit };
// "lock", "connect", "auth", "list", "retrieve", "store", "dele", "quit".
const char* step_name(FetchStep step);

// What a failure says about the remote, for the failure delays (cycle_backoff.hpp).
enum class FailureScope { none, host, account };

// Why messages the link wanted stayed on the server (the first held message's case).
enum class HeldCause {
  none,
  unroutable,    // no local recipient and no usable Pop3SyncErrorAccount
  not_stored,    // writing it under MAIL_ROOT failed (LinkResult::held_error says why)
  retr_refused,  // the server answered RETR with -ERR
  relay_owed,    // recipients for the SMTP gateway still owed (4xx, no link, or 5xx, no account)
};
const char* held_cause_name(HeldCause cause);  // "none", "unroutable", "not-stored", ...

struct LinkResult {
  bool ok = false;
  bool skipped = false;                     // lock held elsewhere: not a failure of the link
  FailureScope scope = FailureScope::none;  // what a failure says about the remote
  FetchStep step = FetchStep::lock;         // the last step reached: where a failure happened
  // The first failure (also a skip's reason): kind, cause, our diagnosis in text, the server's
  // own words in reply. Default (kind internal, empty text) when ok.
  Error error;
  std::uint32_t messages = 0;  // delivered (XMail: "msgs synced")
  std::uint64_t bytes = 0;
  std::uint32_t not_synced = 0;        // left on the server or sent to the error account (XMail's)
  std::uint32_t to_error_account = 0;  // of not_synced, stored in Pop3SyncErrorAccount
  std::uint64_t not_synced_bytes = 0;
  std::uint32_t deleted = 0;  // DELEs the server accepted (committed when ok)
  // Of not_synced, the messages that stay on the server although the link wanted them (no
  // route, not stored, RETR refused); MaxSize skips and error-account copies are not held.
  std::uint32_t held = 0;
  HeldCause held_cause = HeldCause::none;    // of the first held message
  ErrorCause held_error = ErrorCause::none;  // not_stored: what the store said
  std::string held_reason;                   // why the first held message was held (ours)
  std::string held_reply;                    // retr_refused: the server's line, kept apart
  // SMTP relay (psync/fetch_relay.hpp), in recipients: accepted by a gateway, still owed (their
  // messages stay on the server), refused (5xx) and sent to Pop3SyncErrorAccount.
  std::uint32_t relayed = 0;
  std::uint32_t relay_deferred = 0;
  std::uint32_t relay_bounced = 0;

  // The failure as one text: our diagnosis, then the server's reply quoted ("" when ok).
  std::string reason() const { return ok ? std::string() : error.to_string(); }
  // The server's own words behind a failure, or behind the first held message; "" when none.
  const std::string& server_reply() const { return ok ? held_reply : error.reply; }
};

// invalid: its pop3links.tab line was refused (LinkTable::invalid); note says why. stopped:
// psyncd was stopping (SIGTERM) before the link's turn came.
enum class LinkOutcome { ran, skipped_lock, disabled, delayed, self_poll, invalid, stopped };

// A link's failure delay (cycle_backoff.hpp) as it stands: the later-ending of its host's and its
// own account's delay.
struct LinkDelay {
  std::chrono::seconds length{0};               // 0: not delayed
  std::chrono::system_clock::time_point until;  // wall clock; when it may be polled again
  std::string scope;                            // "host pop.example.com" or "account"
};

struct LinkReport {
  Link link;
  LinkOutcome outcome = LinkOutcome::ran;
  LinkResult result;  // ran: what the sync did
  std::string note;   // why it did not run
  LinkDelay delay;    // after this link's result was counted
};

// One word for what became of a link, for tallies and advice: a link that ran is ok, held,
// failed or skipped; the others say why it did not run.
enum class OutcomeKind {
  ok,
  held,
  failed,
  skipped,
  disabled,
  delayed,
  self_poll,
  invalid,
  stopped
};
inline constexpr OutcomeKind kLastOutcomeKind = OutcomeKind::stopped;
OutcomeKind kind_of(const LinkReport& report);
// "ok", "held", "failed", "skipped", "disabled", "delayed", "self-poll", "invalid", "stopped".
const char* kind_name(OutcomeKind kind);
// A failure for the exit status and the log level: failed, delayed, self-poll, invalid.
bool is_failure(OutcomeKind kind);

// "joe@pop.example.com:110 -> joe@ex.test" (external links: "joe@h -> joe ex.test").
std::string link_label(const Link& link);
// The counts part in result words: "3 msgs 12345 bytes delivered, 3 deleted, 1 sent to the
// error account, 2 held on server" (held on server: every message the link did not fetch or
// could not store, MaxSize skips included; XMail's log adds the last two as "not synced"),
// and when the relay did something ", relayed 2, deferred 1, bounced 0" (recipients).
std::string counts_text(const LinkResult& result);
// "held 2: why the first was held" (no counts), the server's reply quoted after it.
std::string held_text(const LinkResult& result);
// "ok: 3 msgs 12345 bytes, ..." / "held 2: reason (counts)" (ok, but messages stayed on the
// server) / "FAIL: reason (counts)" / "skipped: why" for summaries.
std::string describe(const LinkResult& result);
// A link that ran and failed: "FAIL (auth): why", the step where it broke and the reason.
std::string failure_text(const LinkReport& report);
// What happened to the link: "ok: 3 msgs ...", "held 2: why (counts)" (the session went well
// but messages stayed on the server), "FAIL (auth): why (0 msgs ...)" (a failure names its
// step), "disabled", ...
std::string outcome_text(const LinkReport& report);
// link_label + ": " + outcome_text, for --once and the log.
std::string summary_line(const LinkReport& report);

}  // namespace psyncd::psync
