// LogThrottle: at most one log line per period for an event a client can cause at will (a
// refused connection, a lockout, a timeout): the first is logged, the rest are counted and the
// count goes with the next line, or out on its own through take_summary() once the period is
// over. A flood then costs one line per period instead of one per connection. Time is passed
// in; thread-safe (the POP3 server's event loops share them).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>

namespace psyncd::log {

class LogThrottle {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  LogThrottle() = default;  // 10 s
  explicit LogThrottle(std::chrono::seconds period) : period_(period) {}

  // True: write this event's line now, mentioning `suppressed` (the events not logged since
  // the last line). False: counted, not logged.
  bool admit(TimePoint now, std::uint64_t& suppressed);
  // Events counted but not logged, once the period since the last line is over (then they are
  // reset and a new period starts); 0 otherwise. Cheap when there are none.
  std::uint64_t take_summary(TimePoint now);
  std::chrono::seconds period() const { return period_; }

 private:
  std::chrono::seconds period_{10};
  std::mutex mutex_;
  TimePoint next_{};  // lines may be written from here on
  std::uint64_t suppressed_ = 0;
  std::atomic<bool> pending_{false};
};

}  // namespace psyncd::log
