// The terminal side of `psyncd --once`: each link's summary line (psync::summary_line) gets a
// "what to do" line under it when it failed or held messages (app/advice.hpp, chosen from the
// typed outcome), and a totals line ends the run (links ok / held / failed / not run, messages
// and bytes), counted from the typed outcomes. On a terminal the lines come live, as links end,
// under a progress line (once_progress.hpp); otherwise all at the end, in pop3links.tab order,
// exactly as scripts have always seen them. It does not change the exit status.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "app/link_tally.hpp"
#include "app/options.hpp"
#include "psync/link_outcome.hpp"

namespace psyncd::app {

// Counts link outcomes for the totals line (link_tally.hpp).
class OnceTally {
 public:
  // The link's summary line as printed, plus a "    what to do: ..." line when there is advice.
  std::string add(const psync::LinkReport& report);
  // "psyncd --once: 4 links: 1 ok, 1 held, 1 failed, 1 not run; 3 msgs 100 bytes\n"
  std::string totals_line() const;

 private:
  LinkTally tally_;
};

// run_psync in --once mode with the annotated output; `live`: stdout is a terminal, show the
// progress line and each link's result as it ends.
int run_once_report(const Options& options, std::ostream& out, std::ostream& err,
                    bool live = false);

}  // namespace psyncd::app
