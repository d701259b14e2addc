// The terminal side of `psyncd --once`: run_psync prints one summary line per link; this
// passes each line on, adds a "what to do" hint under every failed one, and ends with a
// totals line (links ok / failed / not run, messages and bytes). The hints are chosen from
// the failure text, so they are advice, not diagnosis. It does not change the exit status.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "app/options.hpp"

namespace psyncd::app {

// The hint for one summary line's outcome ("" when there is nothing to advise).
std::string failure_hint(std::string_view outcome);

// Annotates run_psync's output (one summary line per link) and appends the totals line.
std::string annotate_once_output(std::string_view summaries);

// run_psync in --once mode with the annotated output.
int run_once_report(const Options& options, std::ostream& out, std::ostream& err);

}  // namespace psyncd::app
