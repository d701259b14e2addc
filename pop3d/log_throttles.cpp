#include "pop3d/log_throttles.hpp"

#include "common/log.hpp"

namespace psyncd::pop3d {

namespace {

void throttled(log::Level level, log::LogThrottle* throttle, log::LogThrottle::TimePoint now,
               const std::string& line) {
  std::uint64_t held = 0;
  if (throttle && !throttle->admit(now, held)) return;
  if (held == 0) {
    log::write(level, line);
  } else {
    log::write(level, fmt::format("{} (and {} more like it not logged)", line, held));
  }
}

void summary(log::LogThrottle& t, log::LogThrottle::TimePoint now, std::string_view what) {
  if (const auto n = t.take_summary(now)) {
    log::warn("pop3d: {} more {} since the last such line (at most one line per {} s)", n, what,
              t.period().count());
  }
}

}  // namespace

void throttled_warn(log::LogThrottle* throttle, log::LogThrottle::TimePoint now,
                    const std::string& line) {
  throttled(log::Level::warn, throttle, now, line);
}

void throttled_info(log::LogThrottle* throttle, log::LogThrottle::TimePoint now,
                    const std::string& line) {
  if (log::min_level() > log::Level::info) return;
  throttled(log::Level::info, throttle, now, line);
}

void LogThrottles::summarize(log::LogThrottle::TimePoint now) {
  summary(busy, now, "connections refused (too many sessions)");
  summary(per_ip, now, "connections refused (too many from one address)");
  summary(ipmap, now, "connections denied by pop3.ipmap.tab");
  summary(evicted, now, "connections not logged in dropped for new ones");
  summary(timeouts, now, "connections closed for a timeout");
  summary(lockout, now, "logins refused to locked-out addresses");
}

}  // namespace psyncd::pop3d
