// EventLoop: one of the server's epoll threads. Every loop watches the same listening sockets
// (EPOLLEXCLUSIVE: a new connection wakes one idle loop, so work goes where a CPU is free) and
// owns the connections it accepted, their timers (idle timeout, login deadline and delays) in
// a lazy min-heap, and its own AccountDb snapshot (tables are reloaded per loop, never
// shared). At accept it applies the per-IP cap, then -PX (evicting its oldest connection that
// has not logged in when full), then pop3.ipmap.tab.
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
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "pop3d/connection.hpp"
#include "pop3d/greeting.hpp"
#include "pop3d/ip_connections.hpp"
#include "pop3d/log_throttles.hpp"

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
  IpConnections per_ip{};                // Pop3MaxConnPerIP
  LogThrottles throttles{};              // per-connection log lines, throttled
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
  bool evict_oldest_pre_login(SteadyTime now);
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
  // Connections not logged in yet, oldest first (ids grow): when -PX is reached the oldest
  // one makes room for a new client (Dovecot's login processes do the same), so clients that
  // never log in cannot keep everyone else out.
  std::set<std::uint64_t> pre_login_;
  using Timer = std::pair<SteadyTime, std::uint64_t>;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::uint64_t next_id_;
  int epoll_fd_ = -1;
};

}  // namespace psyncd::pop3d
