// Server: the POP3/POP3S listener (B §7.6, §8.1) as one epoll event loop on one thread:
// non-blocking accept, the global pop3.ipmap.tab, the -PX session cap, per-connection timers
// (idle timeout, login delays) in one lazy min-heap, and the Connection objects. The TLS
// context comes from MAIL_ROOT/server.cert + server.key; without them POP3S is not started and
// STLS is not offered. It does not parse the command line (the app fills Pop3dConfig).
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "common/result.hpp"
#include "pop3d/config.hpp"

namespace psyncd::pop3d {

class Server {
 public:
  // Binds the sockets and loads the tables and the certificate; nothing is accepted yet.
  static Result<std::unique_ptr<Server>> create(const Pop3dConfig& config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  const std::vector<BoundPort>& ports() const;
  // Serves until `stop` becomes true (checked at least every 200 ms), then closes every
  // connection without committing deletions and returns.
  Result<void> run(std::atomic<bool>& stop);
  std::size_t sessions() const;

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// create() + on_ready(ports) + run(): the entry point the app wires into psyncd.
Result<void> run_server(const Pop3dConfig& config, std::atomic<bool>& stop);

}  // namespace psyncd::pop3d
