#include "app/link_tally.hpp"

namespace psyncd::app {

void LinkTally::count(const psync::LinkReport& report) {
  using psync::OutcomeKind;
  const OutcomeKind kind = psync::kind_of(report);
  if (kind == OutcomeKind::ok)
    ++ok;
  else if (kind == OutcomeKind::held)
    ++held;
  else if (psync::is_failure(kind))
    ++failed;
  else
    ++not_run;
  if (report.outcome == psync::LinkOutcome::ran) {
    msgs += report.result.messages;
    bytes += report.result.bytes;
  }
}

}  // namespace psyncd::app
