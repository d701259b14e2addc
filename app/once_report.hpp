// The terminal side of `psyncd --once`: each link's summary line (psync::summary_line) gets a
// "what to do" hint under it when it failed or held messages, and a totals line ends the run
// (links ok / held / failed / not run, messages and bytes). The hints are chosen from the failure's
// step ("FAIL (auth)") and text, so they are advice, not diagnosis. On a terminal the lines come
// live, as links end, under a progress line (once_progress.hpp); otherwise all at the end, in
// pop3links.tab order, exactly as scripts have always seen them. It does not change the exit
// status.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "app/options.hpp"

namespace psyncd::app {

// The hint for one summary line's outcome ("" when there is nothing to advise).
std::string failure_hint(std::string_view outcome);

// Counts summary lines for the totals line.
class OnceTally {
 public:
  // The line as printed: itself, plus a "    what to do: ..." line when there is a hint.
  std::string add(std::string_view line);
  // "psyncd --once: 4 links: 1 ok, 1 held, 1 failed, 1 not run; 3 msgs 100 bytes\n"
  std::string totals_line() const;

 private:
  unsigned ok_ = 0, held_ = 0, failed_ = 0, other_ = 0;
  uint64_t msgs_ = 0, bytes_ = 0;
};

// Annotates run_psync's output (one summary line per link) and appends the totals line.
std::string annotate_once_output(std::string_view summaries);

// run_psync in --once mode with the annotated output; `live`: stdout is a terminal, show the
// progress line and each link's result as it ends.
int run_once_report(const Options& options, std::ostream& out, std::ostream& err,
                    bool live = false);

}  // namespace psyncd::app
