// Server: the POP3/POP3S listener (docs/xmail-formats.md §9.5, §9.6): binds the sockets, loads the
// TLS context (MAIL_ROOT/server.cert + server.key; without them POP3S is not started and STLS is
// not offered) and runs N event loops (event_loop.hpp), one per thread, all accepting from the same
// sockets. N is Pop3dConfig::threads, else server.tab Pop3Threads (our extension), else the number
// of CPUs the process may run on. It does not parse the command line (the app fills Pop3dConfig).
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "common/result.hpp"
#include "pop3d/config.hpp"
#include "spool/server_config.hpp"

namespace psyncd::pop3d {

inline constexpr std::size_t kMaxThreads = 64;

// The CPUs this process may run on: its affinity (taskset, a cgroup cpuset), else all.
unsigned usable_cpus();

// The number of event loops: `configured` if not 0, else Pop3Threads if > 0, else `cpus`
// (usable_cpus(), at least 1); never more than kMaxThreads.
std::size_t choose_threads(std::size_t configured, const spool::ServerConfig& server,
                           unsigned cpus);

class Server {
 public:
  // Binds the sockets and loads the tables and the certificate; nothing is accepted yet.
  static Result<std::unique_ptr<Server>> create(const Pop3dConfig& config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  const std::vector<BoundPort>& ports() const;
  // Serves until `stop` becomes true (checked at least every 200 ms), then closes every
  // connection without committing deletions and returns. The calling thread runs the first
  // loop; the others get threads of their own, joined before this returns.
  Result<void> run(std::atomic<bool>& stop);
  std::size_t sessions() const;  // open connections, all loops
  std::size_t threads() const;   // event loops

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// create() + on_ready(ports) + run(): the entry point the app wires into psyncd.
Result<void> run_server(const Pop3dConfig& config, std::atomic<bool>& stop);

}  // namespace psyncd::pop3d
