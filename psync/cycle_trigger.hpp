// The .psync-trigger file (docs/xmail-formats.md §8.5): when MAIL_ROOT/.psync-trigger exists it is
// removed and a PSYNC cycle starts; its contents are ignored. Removing it before the cycle means a
// trigger written during the cycle starts the next one. Also CycleTimer, the -Yi schedule: psyncd
// runs the first cycle at start-up (docs/xmail-differences.md "Defaults"), then one every interval
// seconds after the previous cycle ended (XMail does not count time spent in a cycle); interval 0 =
// trigger only.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace psyncd::psync {

// True when the trigger file existed and this call removed it.
bool consume_trigger(const std::string& path);

class CycleTimer {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  explicit CycleTimer(std::chrono::seconds interval) : interval_(interval) {}

  // True when a cycle is due at `now` by the schedule (the first call is always due).
  bool due(TimePoint now) const;
  // A cycle ended at `now`.
  void cycle_done(TimePoint now) { last_end_ = now; }

 private:
  std::chrono::seconds interval_;
  std::optional<TimePoint> last_end_;
};

}  // namespace psyncd::psync
