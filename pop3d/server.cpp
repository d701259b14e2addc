#include "pop3d/server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <queue>
#include <unordered_map>

#include "common/fs.hpp"
#include "common/log.hpp"
#include "pop3d/connection.hpp"
#include "pop3d/greeting.hpp"
#include "pop3d/listener.hpp"
#include "pop3d/mailbox_lock.hpp"
#include "pop3d/tls_context.hpp"

namespace psyncd::pop3d {

namespace {

constexpr std::uint64_t kFirstConnectionId = 1ull << 32;  // below: listener indexes

struct Listening {
  ListenSocket socket;
  bool tls = false;
  // Out of descriptors: the listener stays readable, so it is taken out of epoll for a moment
  // instead of waking the loop (and the log) for every pending connection.
  std::optional<std::chrono::steady_clock::time_point> paused_until;
};

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

Result<std::vector<BindSpec>> bind_specs(const std::vector<std::string>& given, std::uint16_t port,
                                         bool ipv6) {
  std::vector<BindSpec> out;
  if (given.empty()) {
    out.push_back({"", port, ipv6});
    return out;
  }
  for (const auto& spec : given) {
    auto parsed = parse_bind_spec(spec, port);
    if (!parsed) return parsed.error();
    out.push_back(*parsed);
  }
  return out;
}

}  // namespace

struct Server::Impl {
  explicit Impl(const Pop3dConfig& c)
      : config(c),
        db(spool::MailRoot(c.mail_root)),
        penalty(c.ip_penalty_step, c.ip_penalty_max, c.ip_penalty_window),
        shared{config, db, nullptr, nullptr, penalty, {}} {}
  ~Impl() {
    connections.clear();
    MailboxLock::remove_template(db.root().pop3locks_dir());
    for (auto& l : listeners) ::close(l.socket.fd);
    if (epoll_fd >= 0) ::close(epoll_fd);
  }

  Result<void> setup();
  Result<void> open_listeners(const std::vector<std::string>& given, std::uint16_t port, bool ipv6,
                              bool tls);
  void accept_all(Listening& listening);
  void set_listening(std::size_t index, bool on);
  void resume_listeners();
  void reject(int fd, bool tls, std::string_view line);
  void service(std::uint64_t id, Connection::Status status);
  void on_timer(std::uint64_t id, SteadyTime at);
  int next_timeout() const;
  pop3::SessionConfig session_config(bool tls);

  Pop3dConfig config;
  AccountDb db;
  IpPenalty penalty;
  ConnectionShared shared;
  std::optional<TlsContext> tls;
  std::unique_ptr<Pop3Log> log;
  std::vector<Listening> listeners;
  std::vector<BoundPort> ports;
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections;
  std::vector<std::uint64_t> again;
  using Timer = std::pair<SteadyTime, std::uint64_t>;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers;
  std::uint64_t next_id = kFirstConnectionId;
  int epoll_fd = -1;
  Greeting greeting;
};

Result<void> Server::Impl::open_listeners(const std::vector<std::string>& given, std::uint16_t port,
                                          bool ipv6, bool is_tls) {
  auto specs = bind_specs(given, port, ipv6);
  if (!specs) return specs.error();
  for (const auto& spec : *specs) {
    auto sock = open_listener(spec);
    if (!sock) return sock.error();
    const std::uint64_t id = listeners.size();
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = id;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, sock->fd, &ev);
    ports.push_back({is_tls, sock->address, sock->port});
    listeners.push_back({*sock, is_tls, std::nullopt});
  }
  return {};
}

Result<void> Server::Impl::setup() {
  if (auto r = db.refresh(); !r) return r;
  const auto& root = db.root();
  if (fs::exists(root.server_cert()) && fs::exists(root.server_key())) {
    auto ctx = TlsContext::load(root.server_cert(), root.server_key());
    if (!ctx) return ctx.error();
    tls = std::move(*ctx);
    shared.tls = tls->get();
  } else if (config.pop3s_enabled) {
    log::warn("pop3d: no {} / {}: POP3S and STLS are off", root.server_cert(), root.server_key());
  }
  if (auto r = fs::make_dirs(fs::posix(), root.pop3locks_dir()); !r) return r;
  if (config.log_enabled) {
    if (auto r = fs::make_dirs(fs::posix(), root.logs_dir()); !r) return r;
    log = std::make_unique<Pop3Log>(root.logs_dir(), config.log_rotate_hours);
    shared.log = log.get();
  }
  char host[256] = "localhost";
  ::gethostname(host, sizeof host - 1);
  shared.host = host;
  epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) return fs::sys_error("epoll_create1", "", errno);
  if (config.pop3_enabled) {
    if (auto r = open_listeners(config.pop3_bind, config.pop3_port, config.pop3_ipv6, false); !r)
      return r;
  }
  if (config.pop3s_enabled && shared.tls) {
    if (auto r = open_listeners(config.pop3s_bind, config.pop3s_port, config.pop3s_ipv6, true); !r)
      return r;
  }
  return {};
}

pop3::SessionConfig Server::Impl::session_config(bool is_tls) {
  pop3::SessionConfig c;
  const auto& server = db.server();
  c.greeting = greeting.text(server);
  const std::string domain = db.default_domain().empty() ? shared.host : db.default_domain();
  c.apop_timestamp = greeting.next_timestamp(domain, std::chrono::system_clock::now());
  c.hostname = domain;
  c.tls_available = shared.tls != nullptr && server.get_int("EnablePOP3-TLS", 1) != 0;
  c.tls_active = is_tls;
  // Pop3RequireTLS is our extension; 0 (the default) keeps XMail's behaviour.
  c.cleartext_before_tls = server.get_int("Pop3RequireTLS", 0) == 0;
  c.max_line = config.max_line;
  c.output_high_water = 32 * 1024;
  c.read_chunk = 16 * 1024;
  return c;
}

void Server::Impl::reject(int fd, bool is_tls, std::string_view line) {
  // POP3S clients expect a handshake first: a plaintext line would only confuse them.
  if (!is_tls) (void)::send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::close(fd);
}

void Server::Impl::set_listening(std::size_t index, bool on) {
  epoll_event ev{};
  ev.events = on ? static_cast<std::uint32_t>(EPOLLIN) : 0u;
  ev.data.u64 = index;
  ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, listeners[index].socket.fd, &ev);
}

void Server::Impl::resume_listeners() {
  const auto now = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < listeners.size(); ++i) {
    if (listeners[i].paused_until && *listeners[i].paused_until <= now) {
      listeners[i].paused_until.reset();
      set_listening(i, true);
    }
  }
}

void Server::Impl::accept_all(Listening& listening) {
  for (int i = 0; i < 256; ++i) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    const int fd = ::accept4(listening.socket.fd, reinterpret_cast<sockaddr*>(&ss), &len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      const int err = errno;
      if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
        log::warn("pop3d: accept: {}; not accepting for 100 ms", std::strerror(err));
        listening.paused_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
        set_listening(static_cast<std::size_t>(&listening - listeners.data()), false);
      } else if (err != EAGAIN && err != EWOULDBLOCK && err != EINTR && err != ECONNABORTED) {
        log::warn("pop3d: accept: {}", std::strerror(err));
      }
      return;
    }
    const std::string ip = peer_ip(ss);
    if (connections.size() >= config.max_sessions) {
      log::warn("pop3d: too many sessions ({}), refusing {}", connections.size(), ip);
      reject(fd, listening.tls, "-ERR [SYS/TEMP] too many sessions\r\n");
      continue;
    }
    (void)db.refresh();
    if (!db.ip_map().allows(ip)) {
      log::warn("pop3d: connection from {} denied by pop3.ipmap.tab", ip);
      reject(fd, listening.tls, "-ERR Server does not like Your IP\r\n");
      continue;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const auto now = std::chrono::steady_clock::now();
    const std::uint64_t id = next_id++;
    auto conn = std::make_unique<Connection>(shared, fd, ip, listening.tls,
                                             session_config(listening.tls), now);
    epoll_event ev{};
    ev.events = 0;
    ev.data.u64 = id;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
    connections.emplace(id, std::move(conn));
    service(id, connections[id]->drive(now));
  }
}

// After a connection did its work: drop it, or update its epoll interest and its timer.
void Server::Impl::service(std::uint64_t id, Connection::Status status) {
  auto it = connections.find(id);
  if (it == connections.end()) return;
  Connection& c = *it->second;
  if (status == Connection::Status::finished) {
    ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd(), nullptr);
    connections.erase(it);
    return;
  }
  if (status == Connection::Status::again) again.push_back(id);
  const std::uint32_t want = c.interest();
  if (want != c.registered) {
    epoll_event ev{};
    ev.events = want;
    ev.data.u64 = id;
    ::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd(), &ev);
    c.registered = want;
  }
  const SteadyTime d = c.deadline();
  if (d < c.timer_at) {
    c.timer_at = d;
    timers.push({d, id});
  }
}

void Server::Impl::on_timer(std::uint64_t id, SteadyTime at) {
  auto it = connections.find(id);
  if (it == connections.end() || it->second->timer_at != at) return;  // stale entry
  Connection& c = *it->second;
  c.timer_at = SteadyTime::max();
  service(id, c.on_timer(std::chrono::steady_clock::now()));
}

int Server::Impl::next_timeout() const {
  if (!again.empty()) return 0;
  int ms = 200;  // the stop flag is polled at least this often
  for (const auto& l : listeners) {
    if (l.paused_until) ms = 100;
  }
  if (!timers.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        timers.top().first - std::chrono::steady_clock::now());
    ms = static_cast<int>(std::clamp<long long>(left.count() + 1, 0, ms));
  }
  return ms;
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::create(const Pop3dConfig& config) {
  auto impl = std::make_unique<Impl>(config);
  if (auto r = impl->setup(); !r) return r.error();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

const std::vector<BoundPort>& Server::ports() const { return impl_->ports; }
std::size_t Server::sessions() const { return impl_->connections.size(); }

Result<void> Server::run(std::atomic<bool>& stop) {
  Impl& s = *impl_;
  epoll_event events[256];
  while (!stop.load(std::memory_order_relaxed)) {
    const int n = ::epoll_wait(s.epoll_fd, events, 256, s.next_timeout());
    if (n < 0 && errno != EINTR) return fs::sys_error("epoll_wait", "", errno);
    for (int i = 0; i < n; ++i) {
      const std::uint64_t id = events[i].data.u64;
      if (id < kFirstConnectionId) {
        s.accept_all(s.listeners[id]);
        continue;
      }
      auto it = s.connections.find(id);
      if (it == s.connections.end()) continue;
      // epoll reports a reset or hang-up even with no interest set (e.g. during a login
      // delay): the peer is gone, and nothing is left to deliver (no QUIT, no deletions).
      const bool gone =
          (events[i].events & (EPOLLHUP | EPOLLERR)) != 0 && (events[i].events & EPOLLIN) == 0;
      s.service(id, gone ? Connection::Status::finished
                         : it->second->drive(std::chrono::steady_clock::now()));
    }
    std::vector<std::uint64_t> again;
    again.swap(s.again);
    for (auto id : again) {
      auto it = s.connections.find(id);
      if (it != s.connections.end())
        s.service(id, it->second->drive(std::chrono::steady_clock::now()));
    }
    s.resume_listeners();
    const auto now = std::chrono::steady_clock::now();
    while (!s.timers.empty() && s.timers.top().first <= now) {
      const auto [at, id] = s.timers.top();
      s.timers.pop();
      s.on_timer(id, at);
    }
  }
  s.connections.clear();
  return {};
}

Result<void> run_server(const Pop3dConfig& config, std::atomic<bool>& stop) {
  // OpenSSL writes to the socket with write(2): a peer that went away must not kill us.
  struct sigaction old {};
  if (::sigaction(SIGPIPE, nullptr, &old) == 0 && old.sa_handler == SIG_DFL)
    ::signal(SIGPIPE, SIG_IGN);
  auto server = Server::create(config);
  if (!server) return server.error();
  if (config.on_ready) config.on_ready((*server)->ports());
  return (*server)->run(stop);
}

}  // namespace psyncd::pop3d
