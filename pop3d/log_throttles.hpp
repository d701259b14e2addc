// LogThrottles: the POP3 server's log lines that a client can cause once per connection
// (refusals at accept, evictions, timeouts, lockouts), each kind throttled to one line per
// 10 s with a count of the rest (common/log_throttle.hpp), so 2000 refused or timed-out
// connections are a handful of lines. summarize() writes the counts left over once their
// period is over; the event loops call it.
#pragma once

#include <string>
#include <string_view>

#include "common/log_throttle.hpp"

namespace psyncd::pop3d {

struct LogThrottles {
  log::LogThrottle busy;      // -PX full, nobody to evict
  log::LogThrottle per_ip;    // Pop3MaxConnPerIP
  log::LogThrottle ipmap;     // pop3.ipmap.tab
  log::LogThrottle evicted;   // a connection not logged in dropped for a new one
  log::LogThrottle timeouts;  // idle timeout, login deadline
  log::LogThrottle lockout;   // Pop3LockoutFailures

  void summarize(log::LogThrottle::TimePoint now);
};

// `line` as a warning (info) through `throttle`, with the count of lines it held back since;
// every time when `throttle` is null.
void throttled_warn(log::LogThrottle* throttle, log::LogThrottle::TimePoint now,
                    const std::string& line);
void throttled_info(log::LogThrottle* throttle, log::LogThrottle::TimePoint now,
                    const std::string& line);

}  // namespace psyncd::pop3d
