#include "psync/cycle_scheduler.hpp"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace psyncd::psync {

namespace {

class Pool {
 public:
  Pool(const std::vector<std::string>& hosts, const PoolLimits& limits,
       const std::function<void(size_t)>& job, const std::atomic<bool>* stop)
      : hosts_(hosts),
        limits_(limits),
        job_(job),
        stop_(stop),
        state_(hosts.size(), State::waiting),
        ran_(hosts.size(), false) {}

  std::vector<bool> run() {
    unsigned n = std::clamp<unsigned>(limits_.threads, 1, 32);
    n = std::min<unsigned>(n, static_cast<unsigned>(std::max<size_t>(hosts_.size(), 1)));
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < n; ++i) workers.emplace_back([this] { work(); });
    for (auto& w : workers) w.join();
    return ran_;
  }

 private:
  enum class State { waiting, running, done };

  bool stopping() const { return stop_ != nullptr && stop_->load(); }

  // The first waiting job whose host has room; hosts_.size() when none can start now.
  size_t pick() const {
    unsigned cap = std::max(1u, limits_.per_host);
    for (size_t i = 0; i < hosts_.size(); ++i) {
      if (state_[i] != State::waiting) continue;
      auto it = busy_.find(hosts_[i]);
      if (it == busy_.end() || it->second < cap) return i;
    }
    return hosts_.size();
  }

  bool any_waiting() const {
    return std::find(state_.begin(), state_.end(), State::waiting) != state_.end();
  }

  void work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      if (stopping() || !any_waiting()) break;
      size_t i = pick();
      if (i == hosts_.size()) {
        cv_.wait(lock);
        continue;
      }
      state_[i] = State::running;
      ran_[i] = true;
      ++busy_[hosts_[i]];
      lock.unlock();
      job_(i);
      lock.lock();
      state_[i] = State::done;
      --busy_[hosts_[i]];
      cv_.notify_all();
    }
    cv_.notify_all();
  }

  const std::vector<std::string>& hosts_;
  PoolLimits limits_;
  const std::function<void(size_t)>& job_;
  const std::atomic<bool>* stop_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<State> state_;
  std::vector<bool> ran_;
  std::map<std::string, unsigned> busy_;
};

}  // namespace

std::vector<bool> run_pool(const std::vector<std::string>& hosts, const PoolLimits& limits,
                           const std::function<void(size_t)>& job, const std::atomic<bool>* stop) {
  if (hosts.empty()) return {};
  Pool pool(hosts, limits, job, stop);
  return pool.run();
}

}  // namespace psyncd::psync
