#include "pop3d/ip_penalty.hpp"

#include <algorithm>

namespace psyncd::pop3d {

std::chrono::milliseconds IpPenalty::failed(const std::string& ip, TimePoint now) {
  std::lock_guard guard(mutex_);
  if (entries_.size() >= max_entries_) prune(now);
  Entry& e = entries_[ip];
  if (e.failures > 0 && now - e.last > window_) e.failures = 0;
  const int earlier = e.failures;
  e.failures = std::min(e.failures + 1, 1 << 20);
  e.last = now;
  return std::min(max_, step_ * earlier);
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
