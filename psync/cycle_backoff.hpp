// Backoff: CommuniGate-style "delay failed hosts / failed accounts" for the PSYNC
// scheduler. After a failure a key (a remote host, or a link) is not polled again until its
// delay has passed; the delay starts at the configured base (server.tab PsyncFailedHostDelay
// / PsyncFailedAccountDelay, seconds; psyncd extensions, defaults 60 / 300) and doubles with
// each further failure up to a cap (64 x base, at most one day). A success clears the key.
// Pure bookkeeping over the injected steady clock's time points; not thread-safe (PsyncService
// guards its two Backoffs with one mutex).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace psyncd::psync {

inline constexpr long long kDefaultFailedHostDelay = 60;
inline constexpr long long kDefaultFailedAccountDelay = 300;

class Backoff {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  explicit Backoff(std::chrono::seconds base);

  void set_base(std::chrono::seconds base);
  // True when `key` may be polled at `now`.
  bool allowed(const std::string& key, TimePoint now) const;
  // When the key may be polled again; nullopt when it is not delayed.
  std::optional<TimePoint> retry_at(const std::string& key) const;
  // The key's current delay (what its last failure set); nullopt when it is not delayed.
  std::optional<std::chrono::seconds> delay(const std::string& key) const;
  void failure(const std::string& key, TimePoint now);
  void success(const std::string& key) { entries_.erase(key); }
  std::chrono::seconds cap() const;

 private:
  struct Entry {
    std::chrono::seconds delay;
    TimePoint retry_at;
  };
  std::chrono::seconds base_;
  std::map<std::string, Entry> entries_;
};

}  // namespace psyncd::psync
