#include "common/log_throttle.hpp"

namespace psyncd::log {

bool LogThrottle::admit(TimePoint now, std::uint64_t& suppressed) {
  std::lock_guard guard(mutex_);
  if (now < next_) {
    ++suppressed_;
    pending_.store(true, std::memory_order_relaxed);
    return false;
  }
  suppressed = suppressed_;
  suppressed_ = 0;
  pending_.store(false, std::memory_order_relaxed);
  next_ = now + period_;
  return true;
}

std::uint64_t LogThrottle::take_summary(TimePoint now) {
  if (!pending_.load(std::memory_order_relaxed)) return 0;
  std::lock_guard guard(mutex_);
  if (now < next_ || suppressed_ == 0) return 0;
  const std::uint64_t n = suppressed_;
  suppressed_ = 0;
  pending_.store(false, std::memory_order_relaxed);
  next_ = now + period_;
  return n;
}

}  // namespace psyncd::log
