// IpPenalty: failed logins per client address across sessions, charged BEFORE the password is
// checked (our extension to XMail's per-session -Pw doubling, which only delays the answer: a
// client that hangs up early, or -Ph, would not wait for it). admit() counts the attempt as a
// failure at once and says how long to wait before checking: `step` per earlier failure within
// `window`, up to `max`; a right password takes the charge back (refund()). From
// `lockout_failures` failures within the window on, the address is locked out: nothing is
// checked until the window has passed since its last failure. Memory is bounded (expired
// entries pruned; past `max_entries` the table starts afresh). Time is passed in. Thread-safe:
// the server's event loops share one table.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace psyncd::pop3d {

class IpPenalty {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // `lockout_failures` 0: no lockout.
  IpPenalty(std::chrono::milliseconds step, std::chrono::milliseconds max,
            std::chrono::seconds window, int lockout_failures = 0, std::size_t max_entries = 100000)
      : step_(step),
        max_(max),
        window_(window),
        lockout_failures_(lockout_failures),
        max_entries_(max_entries) {}

  struct Admission {
    std::chrono::milliseconds wait{0};  // before the credentials are checked
    bool locked_out = false;            // do not check them at all (nothing was charged)
  };
  // A login attempt from `ip` is about to check credentials: charges it one failure.
  Admission admit(const std::string& ip, TimePoint now);
  // The credentials were right (logged in, or the mailbox was [IN-USE]): undoes one admit().
  void refund(const std::string& ip);
  // Failures currently remembered for `ip`.
  int failures(const std::string& ip, TimePoint now) const;
  std::size_t size() const;
  void set_lockout_failures(int n) { lockout_failures_ = n; }
  int lockout_failures() const { return lockout_failures_; }
  std::chrono::seconds window() const { return window_; }

 private:
  struct Entry {
    int failures = 0;
    TimePoint last{};
  };
  void prune(TimePoint now);

  std::chrono::milliseconds step_;
  std::chrono::milliseconds max_;
  std::chrono::seconds window_;
  int lockout_failures_;
  std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace psyncd::pop3d
