#include "pop3d/ip_penalty.hpp"

#include <algorithm>

namespace psyncd::pop3d {

IpPenalty::Admission IpPenalty::admit(const std::string& ip, TimePoint now) {
  std::lock_guard guard(mutex_);
  if (entries_.size() >= max_entries_) prune(now);
  Entry& e = entries_[ip];
  if (e.failures > 0 && now - e.last > window_) e.failures = 0;
  // Locked out: not charged, so the lockout ends `window` after the last real attempt.
  if (lockout_failures_ > 0 && e.failures >= lockout_failures_) return {{}, true};
  const int earlier = e.failures;
  e.failures = std::min(e.failures + 1, 1 << 20);
  e.last = now;
  return {std::min(max_, step_ * earlier), false};
}

void IpPenalty::refund(const std::string& ip) {
  std::lock_guard guard(mutex_);
  auto it = entries_.find(ip);
  if (it == entries_.end()) return;
  if (--it->second.failures <= 0) entries_.erase(it);
}

int IpPenalty::failures(const std::string& ip, TimePoint now) const {
  std::lock_guard guard(mutex_);
  auto it = entries_.find(ip);
  if (it == entries_.end() || now - it->second.last > window_) return 0;
  return it->second.failures;
}

std::size_t IpPenalty::size() const {
  std::lock_guard guard(mutex_);
  return entries_.size();
}

// The caller holds mutex_.
void IpPenalty::prune(TimePoint now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = now - it->second.last > window_ ? entries_.erase(it) : std::next(it);
  }
  // Still full (an address flood): forget everything rather than grow without bound.
  if (entries_.size() >= max_entries_) entries_.clear();
}

}  // namespace psyncd::pop3d
