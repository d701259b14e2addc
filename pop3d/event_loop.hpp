// EventLoop: one of the server's epoll threads. Every loop watches the same listening sockets
// (EPOLLEXCLUSIVE: a new connection wakes one idle loop, so work goes where a CPU is free) and
// owns the connections it accepted, their timers (idle timeout, login delays) in a lazy
// min-heap, and its own AccountDb snapshot (tables are reloaded per loop, never shared).
// What crosses threads is in LoopShared: the -PX session count (atomic), the per-IP penalty, the
// POP3 log and the listing cache (locked inside), the TLS context (OpenSSL allows concurrent
// SSL_new).
// It does not bind sockets or start threads (server.hpp does).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "pop3d/connection.hpp"
#include "pop3d/greeting.hpp"

namespace psyncd::pop3d {

// State every loop sees; owned by the server, outlives the loops.
struct LoopShared {
  const Pop3dConfig& config;
  IpPenalty& penalty;  // thread-safe
  SSL_CTX* tls = nullptr;
  Pop3Log* log = nullptr;  // thread-safe
  std::string host;
  ListingCache* listings = nullptr;      // thread-safe
  std::atomic<std::size_t> sessions{0};  // open connections over all loops (-PX)
  std::atomic<bool> failed{false};       // a loop hit a fatal error: all loops stop
};

struct ListenerRef {
  int fd = -1;
  bool tls = false;
};

class EventLoop {
 public:
  EventLoop(LoopShared& shared, const std::string& mail_root);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Loads the tables (fails when mailusers.tab or domains.tab cannot be read).
  Result<void> load_tables();
  const AccountDb& db() const { return db_; }
  // Creates the epoll set and watches the listeners.
  Result<void> watch(const std::vector<ListenerRef>& listeners);
  // Serves until `stop` (or LoopShared::failed) is set, then closes its connections without
  // committing deletions.
  Result<void> run(const std::atomic<bool>& stop);

 private:
  struct Listening {
    ListenerRef socket;
    // Out of descriptors: the listener stays readable, so it leaves this loop's epoll set
    // for a moment instead of waking the loop (and the log) for every pending connection.
    std::optional<std::chrono::steady_clock::time_point> paused_until;
  };

  void accept_some(Listening& listening);
  void set_listening(std::size_t index, bool on);
  void resume_listeners();
  void reject(int fd, bool tls, std::string_view line);
  void service(std::uint64_t id, Connection::Status status);
  void drop(std::unordered_map<std::uint64_t, std::unique_ptr<Connection>>::iterator it);
  void on_timer(std::uint64_t id, SteadyTime at);
  void close_all();
  int next_timeout() const;
  pop3::SessionConfig session_config(bool tls);

  LoopShared& sh_;
  AccountDb db_;
  ConnectionShared conn_shared_;
  Greeting greeting_;
  std::vector<Listening> listeners_;
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections_;
  std::vector<std::uint64_t> again_;
  using Timer = std::pair<SteadyTime, std::uint64_t>;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::uint64_t next_id_;
  int epoll_fd_ = -1;
};

}  // namespace psyncd::pop3d
