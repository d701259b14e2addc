#include "psync/link_outcome.hpp"

#include <fmt/format.h>

namespace psyncd::psync {

const char* step_name(FetchStep step) {
  switch (step) {
    case FetchStep::lock:
      return "lock";
    case FetchStep::connect:
      return "connect";
    case FetchStep::auth:
      return "auth";
    case FetchStep::list:
      return "list";
    case FetchStep::retrieve:
      return "retrieve";
    case FetchStep::store:
      return "store";
    case FetchStep::dele:
      return "dele";
    case FetchStep::quit:
      return "quit";
  }
  return "?";
}

const char* held_cause_name(HeldCause cause) {
  switch (cause) {
    case HeldCause::none:
      return "none";
    case HeldCause::unroutable:
      return "unroutable";
    case HeldCause::not_stored:
      return "not-stored";
    case HeldCause::retr_refused:
      return "retr-refused";
    case HeldCause::relay_owed:
      return "relay-owed";
  }
  return "none";
}

OutcomeKind kind_of(const LinkReport& r) {
  switch (r.outcome) {
    case LinkOutcome::ran:
      if (r.result.skipped) return OutcomeKind::skipped;
      if (!r.result.ok) return OutcomeKind::failed;
      return r.result.held > 0 ? OutcomeKind::held : OutcomeKind::ok;
    case LinkOutcome::skipped_lock:
      return OutcomeKind::skipped;
    case LinkOutcome::disabled:
      return OutcomeKind::disabled;
    case LinkOutcome::delayed:
      return OutcomeKind::delayed;
    case LinkOutcome::self_poll:
      return OutcomeKind::self_poll;
    case LinkOutcome::invalid:
      return OutcomeKind::invalid;
    case LinkOutcome::stopped:
      return OutcomeKind::stopped;
  }
  return OutcomeKind::failed;
}

const char* kind_name(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::ok:
      return "ok";
    case OutcomeKind::held:
      return "held";
    case OutcomeKind::failed:
      return "failed";
    case OutcomeKind::skipped:
      return "skipped";
    case OutcomeKind::disabled:
      return "disabled";
    case OutcomeKind::delayed:
      return "delayed";
    case OutcomeKind::self_poll:
      return "self-poll";
    case OutcomeKind::invalid:
      return "invalid";
    case OutcomeKind::stopped:
      return "stopped";
  }
  return "failed";
}

bool is_failure(OutcomeKind kind) {
  return kind == OutcomeKind::failed || kind == OutcomeKind::delayed ||
         kind == OutcomeKind::self_poll || kind == OutcomeKind::invalid;
}

std::string link_label(const Link& link) {
  return fmt::format("{}@{} -> {}{}{}", link.remote_user, link.remote_spec, link.local_account,
                     link.kind == LinkKind::local ? "@" : " ", link.local_domain);
}

std::string counts_text(const LinkResult& r) {
  const std::uint32_t held_on_server =
      r.not_synced > r.to_error_account ? r.not_synced - r.to_error_account : 0;
  std::string text = fmt::format(
      "{} msgs {} bytes delivered, {} deleted, {} sent to the error account, {} held on server",
      r.messages, r.bytes, r.deleted, r.to_error_account, held_on_server);
  if (r.relayed + r.relay_deferred + r.relay_bounced > 0)
    text += fmt::format(", relayed {}, deferred {}, bounced {}", r.relayed, r.relay_deferred,
                        r.relay_bounced);
  return text;
}

std::string held_text(const LinkResult& r) {
  std::string text = fmt::format("held {}: {}", r.held, r.held_reason);
  if (!r.held_reply.empty()) text += ": " + quote_peer_text(r.held_reply, 200);
  return text;
}

std::string describe(const LinkResult& r) {
  if (r.skipped) return "skipped: " + r.error.to_string();
  if (r.ok && r.held > 0) return held_text(r) + " (" + counts_text(r) + ")";
  if (r.ok) return "ok: " + counts_text(r);
  return "FAIL: " + r.reason() + " (" + counts_text(r) + ")";
}

std::string failure_text(const LinkReport& report) {
  return fmt::format("FAIL ({}): {}", step_name(report.result.step), report.result.reason());
}

std::string outcome_text(const LinkReport& report) {
  switch (report.outcome) {
    case LinkOutcome::ran:
      // A failure names the step where it broke.
      if (!report.result.ok && !report.result.skipped)
        return failure_text(report) + " (" + counts_text(report.result) + ")";
      return describe(report.result);
    case LinkOutcome::skipped_lock:
      return "skipped (locked): " + report.note;
    case LinkOutcome::disabled:
      return "disabled";
    case LinkOutcome::delayed:
      return fmt::format("FAIL: delayed after failures: {} ({} s delay)", report.note,
                         report.delay.length.count());
    case LinkOutcome::self_poll:
      return "FAIL: " + report.note;
    case LinkOutcome::invalid:
      return "skipped: config: " + report.note;
    case LinkOutcome::stopped:
      return "not run: " + report.note;
  }
  return {};
}

std::string summary_line(const LinkReport& report) {
  return link_label(report.link) + ": " + outcome_text(report);
}

}  // namespace psyncd::psync
