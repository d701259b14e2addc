// IpConnections: how many connections each client address has open, over all event loops,
// for the Pop3MaxConnPerIP cap (Dovecot's per-IP login limits): acquire() at accept, release()
// when the connection ends. Thread-safe; an address with no connection takes no memory.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace psyncd::pop3d {

class IpConnections {
 public:
  // Counts one more connection from `ip` unless it has `max` already (0: no cap).
  bool acquire(const std::string& ip, std::size_t max);
  void release(const std::string& ip);
  std::size_t count(const std::string& ip) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> open_;
};

}  // namespace psyncd::pop3d
