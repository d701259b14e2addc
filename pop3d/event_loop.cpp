#include "pop3d/event_loop.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "common/fs.hpp"
#include "common/log.hpp"

namespace psyncd::pop3d {

namespace {

constexpr std::uint64_t kFirstConnectionId = 1ull << 32;  // below: listener indexes
// Connections taken per wake-up: a small batch leaves the rest of a burst to the other
// loops (a new connection wakes one loop that is waiting, not the busy one).
constexpr int kAcceptBatch = 8;

std::string peer_ip(const sockaddr_storage& ss) {
  char text[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&ss)->sin_addr, text, sizeof text);
    return text;
  }
  const auto* a6 = reinterpret_cast<const sockaddr_in6*>(&ss);
  if (IN6_IS_ADDR_V4MAPPED(&a6->sin6_addr)) {
    inet_ntop(AF_INET, a6->sin6_addr.s6_addr + 12, text, sizeof text);
  } else {
    inet_ntop(AF_INET6, &a6->sin6_addr, text, sizeof text);
  }
  return text;
}

}  // namespace

EventLoop::EventLoop(LoopShared& shared, const std::string& mail_root)
    : sh_(shared),
      db_(spool::MailRoot(mail_root)),
      conn_shared_{shared.config,  db_,         shared.tls,      shared.log,
                   shared.penalty, shared.host, shared.listings, &shared.throttles},
      next_id_(kFirstConnectionId) {}

EventLoop::~EventLoop() {
  close_all();
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

Result<void> EventLoop::load_tables() { return db_.refresh(); }

Result<void> EventLoop::watch(const std::vector<ListenerRef>& listeners) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return fs::sys_error("epoll_create1", "", errno);
  for (const auto& l : listeners) {
    listeners_.push_back({l, std::nullopt});
    set_listening(listeners_.size() - 1, true);
  }
  return {};
}

pop3::SessionConfig EventLoop::session_config(bool is_tls) {
  pop3::SessionConfig c;
  const auto& server = db_.server();
  c.greeting = greeting_.text(server);
  const std::string domain = db_.default_domain().empty() ? sh_.host : db_.default_domain();
  c.apop_timestamp = greeting_.next_timestamp(domain, std::chrono::system_clock::now());
  c.hostname = domain;
  c.tls_available = sh_.tls != nullptr && server.get_int("EnablePOP3-TLS", 1) != 0;
  c.tls_active = is_tls;
  // Pop3RequireTLS is our extension; 0 (the default) keeps XMail's behaviour.
  c.cleartext_before_tls = server.get_int("Pop3RequireTLS", 0) == 0;
  c.max_line = sh_.config.max_line;
  c.gate_credentials = true;  // the per-IP charge comes before any password check
  c.output_high_water = 32 * 1024;
  c.read_chunk = 16 * 1024;
  return c;
}

void EventLoop::reject(int fd, bool is_tls, std::string_view line) {
  // POP3S clients expect a handshake first: a plaintext line would only confuse them.
  if (!is_tls) (void)::send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::close(fd);
}

// EPOLLEXCLUSIVE registrations cannot be modified, so pausing removes and re-adds.
void EventLoop::set_listening(std::size_t index, bool on) {
  const int fd = listeners_[index].socket.fd;
  if (!on) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    return;
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLEXCLUSIVE;
  ev.data.u64 = index;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
}

void EventLoop::resume_listeners() {
  const auto now = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < listeners_.size(); ++i) {
    if (listeners_[i].paused_until && *listeners_[i].paused_until <= now) {
      listeners_[i].paused_until.reset();
      set_listening(i, true);
    }
  }
}

void EventLoop::accept_some(Listening& listening) {
  for (int i = 0; i < kAcceptBatch; ++i) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    const int fd = ::accept4(listening.socket.fd, reinterpret_cast<sockaddr*>(&ss), &len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
        log::warn("pop3d: accept: {}; not accepting for 100 ms",
                  std::generic_category().message(err));
        listening.paused_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
        set_listening(static_cast<std::size_t>(&listening - listeners_.data()), false);
      } else if (err != EAGAIN && err != EWOULDBLOCK && err != EINTR && err != ECONNABORTED) {
        log::warn("pop3d: accept: {}", std::generic_category().message(err));
      }
      return;
    }
    const std::string ip = peer_ip(ss);
    const auto now = std::chrono::steady_clock::now();
    auto& th = sh_.throttles;
    if (!sh_.per_ip.acquire(ip, sh_.config.max_per_ip)) {
      throttled_warn(&th.per_ip, now,
                     fmt::format("pop3d: {} connections from {} already (Pop3MaxConnPerIP), "
                                 "refusing another",
                                 sh_.config.max_per_ip, ip));
      reject(fd, listening.socket.tls,
             "-ERR [SYS/TEMP] too many connections from your address\r\n");
      continue;
    }
    // Claim a slot first: two loops checking the count at once must not both pass.
    const std::size_t before = sh_.sessions.fetch_add(1);
    if (before >= sh_.config.max_sessions && !evict_oldest_pre_login(now)) {
      sh_.sessions.fetch_sub(1);
      sh_.per_ip.release(ip);
      throttled_warn(&th.busy, now,
                     fmt::format("pop3d: too many sessions ({}), refusing {}", before, ip));
      reject(fd, listening.socket.tls, "-ERR [SYS/TEMP] too many sessions\r\n");
      continue;
    }
    (void)db_.refresh();
    if (!db_.ip_map().allows(ip)) {
      sh_.sessions.fetch_sub(1);
      sh_.per_ip.release(ip);
      throttled_warn(&th.ipmap, now,
                     fmt::format("pop3d: connection from {} denied by pop3.ipmap.tab", ip));
      reject(fd, listening.socket.tls, "-ERR Server does not like Your IP\r\n");
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const std::uint64_t id = next_id_++;
    auto conn = std::make_unique<Connection>(conn_shared_, fd, ip, listening.socket.tls,
                                             session_config(listening.socket.tls), now);
    epoll_event ev{};
    ev.events = 0;
    ev.data.u64 = id;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    Connection& c = *connections_.emplace(id, std::move(conn)).first->second;
    pre_login_.insert(id);
    service(id, c.drive(now));
  }
}

// -PX is reached: the oldest connection of this loop that has not logged in goes (silently,
// as an idle timeout would), so the slot is the new client's. False when there is none.
bool EventLoop::evict_oldest_pre_login(SteadyTime now) {
  if (pre_login_.empty()) return false;
  auto it = connections_.find(*pre_login_.begin());
  if (it == connections_.end()) {
    pre_login_.erase(pre_login_.begin());
    return false;
  }
  throttled_info(&sh_.throttles.evicted, now,
                 fmt::format("pop3d: {} sessions, closing the oldest connection not logged in "
                             "(from {}) for a new one",
                             sh_.config.max_sessions, it->second->client_ip()));
  drop(it);
  return true;
}

void EventLoop::drop(std::unordered_map<std::uint64_t, std::unique_ptr<Connection>>::iterator it) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, it->second->fd(), nullptr);
  pre_login_.erase(it->first);
  sh_.per_ip.release(it->second->client_ip());
  connections_.erase(it);
  sh_.sessions.fetch_sub(1);
}

void EventLoop::close_all() {
  sh_.sessions.fetch_sub(connections_.size());
  for (const auto& [id, c] : connections_) sh_.per_ip.release(c->client_ip());
  connections_.clear();
  pre_login_.clear();
}

// After a connection did its work: drop it, or update its epoll interest and its timer.
void EventLoop::service(std::uint64_t id, Connection::Status status) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  Connection& c = *it->second;
  if (status == Connection::Status::finished) {
    drop(it);
    return;
  }
  if (c.logged_in()) pre_login_.erase(id);
  if (status == Connection::Status::again) again_.push_back(id);
  const std::uint32_t want = c.interest();
  if (want != c.registered) {
    epoll_event ev{};
    ev.events = want;
    ev.data.u64 = id;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd(), &ev);
    c.registered = want;
  }
  const SteadyTime d = c.deadline();
  if (d < c.timer_at) {
    c.timer_at = d;
    timers_.push({d, id});
  }
}

void EventLoop::on_timer(std::uint64_t id, SteadyTime at) {
  auto it = connections_.find(id);
  if (it == connections_.end() || it->second->timer_at != at) return;  // stale entry
  Connection& c = *it->second;
  c.timer_at = SteadyTime::max();
  service(id, c.on_timer(std::chrono::steady_clock::now()));
}

int EventLoop::next_timeout() const {
  if (!again_.empty()) return 0;
  int ms = 200;  // the stop flag is polled at least this often
  for (const auto& l : listeners_) {
    if (l.paused_until) ms = 100;
  }
  if (!timers_.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        timers_.top().first - std::chrono::steady_clock::now());
    ms = static_cast<int>(std::clamp<long long>(left.count() + 1, 0, ms));
  }
  return ms;
}

Result<void> EventLoop::run(const std::atomic<bool>& stop) {
  epoll_event events[256];
  while (!stop.load(std::memory_order_relaxed) && !sh_.failed.load(std::memory_order_relaxed)) {
    const int n = ::epoll_wait(epoll_fd_, events, 256, next_timeout());
    if (n < 0 && errno != EINTR) {
      sh_.failed = true;
      close_all();
      return fs::sys_error("epoll_wait", "", errno);
    }
    for (int i = 0; i < n; ++i) {
      const std::uint64_t id = events[i].data.u64;
      if (id < kFirstConnectionId) {
        accept_some(listeners_[id]);
        continue;
      }
      auto it = connections_.find(id);
      if (it == connections_.end()) continue;
      // epoll reports a reset or hang-up even with no interest set (e.g. during a login
      // delay): the peer is gone, and nothing is left to deliver (no QUIT, no deletions).
      const bool gone =
          (events[i].events & (EPOLLHUP | EPOLLERR)) != 0 && (events[i].events & EPOLLIN) == 0;
      service(id, gone ? Connection::Status::finished
                       : it->second->drive(std::chrono::steady_clock::now()));
    }
    std::vector<std::uint64_t> again;
    again.swap(again_);
    for (auto id : again) {
      auto it = connections_.find(id);
      if (it != connections_.end())
        service(id, it->second->drive(std::chrono::steady_clock::now()));
    }
    resume_listeners();
    const auto now = std::chrono::steady_clock::now();
    sh_.throttles.summarize(now);
    while (!timers_.empty() && timers_.top().first <= now) {
      const auto [at, id] = timers_.top();
      timers_.pop();
      on_timer(id, at);
    }
  }
  close_all();
  return {};
}

}  // namespace psyncd::pop3d
