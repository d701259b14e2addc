#include "psync/cycle_self_poll.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace psyncd::psync {

namespace {

bool same_address(const sockaddr* a, const sockaddr* b) {
  if (a->sa_family != b->sa_family) return false;
  if (a->sa_family == AF_INET) {
    return reinterpret_cast<const sockaddr_in*>(a)->sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in*>(b)->sin_addr.s_addr;
  }
  if (a->sa_family == AF_INET6) {
    return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr,
                       &reinterpret_cast<const sockaddr_in6*>(b)->sin6_addr, sizeof(in6_addr)) == 0;
  }
  return false;
}

bool is_loopback(const sockaddr* a) {
  if (a->sa_family == AF_INET) {
    auto ip = ntohl(reinterpret_cast<const sockaddr_in*>(a)->sin_addr.s_addr);
    return (ip >> 24) == 127 || ip == 0;
  }
  if (a->sa_family == AF_INET6) {
    const auto& ip6 = reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(&ip6) || IN6_IS_ADDR_UNSPECIFIED(&ip6);
  }
  return false;
}

bool is_interface_address(const sockaddr* a) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  bool found = false;
  for (ifaddrs* i = list; i != nullptr && !found; i = i->ifa_next) {
    if (i->ifa_addr != nullptr && same_address(i->ifa_addr, a)) found = true;
  }
  freeifaddrs(list);
  return found;
}

}  // namespace

bool resolves_to_local_address(const std::string& host) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0) return false;
  bool local = false;
  for (addrinfo* r = res; r != nullptr && !local; r = r->ai_next) {
    local = is_loopback(r->ai_addr) || is_interface_address(r->ai_addr);
  }
  freeaddrinfo(res);
  return local;
}

bool names_own_account(const std::string& remote_user, const spool::MailUsers& users,
                       const spool::Domains& domains) {
  auto sep = remote_user.find_last_of("@%");
  if (sep != std::string::npos) {
    return users.find(remote_user.substr(sep + 1), remote_user.substr(0, sep), domains) != nullptr;
  }
  return std::any_of(domains.local_domains().begin(), domains.local_domains().end(),
                     [&](const std::string& d) { return users.find(d, remote_user) != nullptr; });
}

void SelfListener::bound(const std::vector<std::uint16_t>& ports) {
  {
    std::lock_guard lock(mutex_);
    ports_ = ports;
    settled_ = true;
  }
  settled_cv_.notify_all();
}

void SelfListener::closed() { bound({}); }

bool SelfListener::is_ours(std::uint16_t port) const {
  std::lock_guard lock(mutex_);
  return std::find(ports_.begin(), ports_.end(), port) != ports_.end();
}

void SelfListener::wait_settled(const std::atomic<bool>* stop) const {
  std::unique_lock lock(mutex_);
  while (!settled_ && (stop == nullptr || !stop->load()))
    settled_cv_.wait_for(lock, std::chrono::milliseconds(200));
}

bool is_self_poll(const Link& link, const SelfListener* self, const spool::MailUsers& users,
                  const spool::Domains& domains) {
  if (self == nullptr || !self->is_ours(link.remote.port)) return false;
  return names_own_account(link.remote_user, users, domains) &&
         resolves_to_local_address(link.remote.host);
}

}  // namespace psyncd::psync
