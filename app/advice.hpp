// What an admin should do about a link's outcome, picked from one table keyed on the typed
// outcome (psync/link_outcome.hpp): what became of the link, the step a failure happened in,
// the error's cause, and why held messages stayed. The first row that matches wins, so rows
// for a cause come before rows for a step. --once, the daemon's log and --status all ask here;
// nothing reads the outcome's text to choose. It is advice, not diagnosis: the summary line
// says what happened.
#pragma once

#include <string>

#include "common/result.hpp"
#include "psync/link_outcome.hpp"

namespace psyncd::app {

struct AdviceKey {
  psync::OutcomeKind kind = psync::OutcomeKind::ok;
  psync::FetchStep step = psync::FetchStep::lock;  // failed: where
  ErrorCause cause = ErrorCause::none;             // failed: the error's; held: the store's
  psync::HeldCause held = psync::HeldCause::none;  // held: why the first message stayed
};

AdviceKey advice_key(const psync::LinkReport& report);

// The advice for an outcome; "" when there is nothing to do (ok, disabled).
std::string advice(const AdviceKey& key);
inline std::string advice(const psync::LinkReport& report) { return advice(advice_key(report)); }

}  // namespace psyncd::app
