// LinkTally: one cycle's links counted by typed outcome (ok / held / failed / not run) with the
// messages and bytes they delivered; the numbers of `psyncd --once`'s totals line and of the
// daemon's "psync cycle:" log line.
#pragma once

#include <cstdint>

#include "psync/link_outcome.hpp"

namespace psyncd::app {

struct LinkTally {
  unsigned ok = 0, held = 0, failed = 0, not_run = 0;
  std::uint64_t msgs = 0, bytes = 0;

  void count(const psync::LinkReport& report);
  unsigned links() const { return ok + held + failed + not_run; }
};

}  // namespace psyncd::app
