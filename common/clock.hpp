// An injectable clock: production code asks a Clock for the time so tests can drive
// schedules, delays and timestamps without sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace psyncd {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, for file names, log stamps and dates.
  virtual std::chrono::system_clock::time_point now() const = 0;
  // Monotonic time, for deadlines and intervals.
  virtual std::chrono::steady_clock::time_point steady_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::now();
  }
};

// Seconds since the Unix epoch, as tab files and protocol time stamps write them.
inline std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// The process-wide real clock.
const Clock& system_clock();

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(
      std::chrono::system_clock::time_point start =
          std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000)))
      : wall_(start) {}
  std::chrono::system_clock::time_point now() const override {
    std::lock_guard lock(mutex_);
    return wall_;
  }
  std::chrono::steady_clock::time_point steady_now() const override {
    std::lock_guard lock(mutex_);
    return steady_;
  }
  void advance(std::chrono::milliseconds by) {
    std::lock_guard lock(mutex_);
    wall_ += by;
    steady_ += by;
  }

 private:
  mutable std::mutex mutex_;
  std::chrono::system_clock::time_point wall_;
  std::chrono::steady_clock::time_point steady_{};
};

}  // namespace psyncd
