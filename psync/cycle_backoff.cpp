#include "psync/cycle_backoff.hpp"

#include <algorithm>

namespace psyncd::psync {

Backoff::Backoff(std::chrono::seconds base) : base_(base) {}

void Backoff::set_base(std::chrono::seconds base) { base_ = base; }

std::chrono::seconds Backoff::cap() const {
  return std::min(base_ * 64, std::chrono::seconds(86400));
}

bool Backoff::allowed(const std::string& key, TimePoint now) const {
  auto it = entries_.find(key);
  return it == entries_.end() || now >= it->second.retry_at;
}

std::optional<Backoff::TimePoint> Backoff::retry_at(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.retry_at;
}

std::optional<std::chrono::seconds> Backoff::delay(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second.delay;
}

void Backoff::failure(const std::string& key, TimePoint now) {
  if (base_.count() <= 0) return;  // a zero delay turns the feature off
  auto it = entries_.find(key);
  std::chrono::seconds delay = base_;
  if (it != entries_.end()) delay = std::max(base_, std::min(it->second.delay * 2, cap()));
  entries_[key] = Entry{delay, now + delay};
}

}  // namespace psyncd::psync
