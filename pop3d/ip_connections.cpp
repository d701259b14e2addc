#include "pop3d/ip_connections.hpp"

namespace psyncd::pop3d {

bool IpConnections::acquire(const std::string& ip, std::size_t max) {
  std::lock_guard guard(mutex_);
  std::size_t& n = open_[ip];
  if (max > 0 && n >= max) return false;
  ++n;
  return true;
}

void IpConnections::release(const std::string& ip) {
  std::lock_guard guard(mutex_);
  auto it = open_.find(ip);
  if (it == open_.end()) return;
  if (--it->second == 0) open_.erase(it);
}

std::size_t IpConnections::count(const std::string& ip) const {
  std::lock_guard guard(mutex_);
  auto it = open_.find(ip);
  return it == open_.end() ? 0 : it->second;
}

}  // namespace psyncd::pop3d
