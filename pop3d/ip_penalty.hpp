// IpPenalty: failed logins per client address across sessions (our extension to XMail's
// per-session -Pw doubling): each failure within `window` of the previous one from the same
// address adds `step` to the delay of that address's next failed login, up to `max`. Memory is
// bounded: expired entries are pruned, and past `max_entries` the table starts afresh. Time is
// passed in (no clock here). Thread-safe: the server's event loops share one table.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace psyncd::pop3d {

class IpPenalty {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  IpPenalty(std::chrono::milliseconds step, std::chrono::milliseconds max,
            std::chrono::seconds window, std::size_t max_entries = 100000)
      : step_(step), max_(max), window_(window), max_entries_(max_entries) {}

  // Records a failure and returns the extra delay for it.
  std::chrono::milliseconds failed(const std::string& ip, TimePoint now);
  // Failures currently remembered for `ip`.
  int failures(const std::string& ip, TimePoint now) const;
  std::size_t size() const;

 private:
  struct Entry {
    int failures = 0;
    TimePoint last{};
  };
  void prune(TimePoint now);

  std::chrono::milliseconds step_;
  std::chrono::milliseconds max_;
  std::chrono::seconds window_;
  std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace psyncd::pop3d
