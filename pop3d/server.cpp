#include "pop3d/server.hpp"

#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <thread>

#include "common/fs.hpp"
#include "common/log.hpp"
#include "pop3d/event_loop.hpp"
#include "pop3d/listener.hpp"
#include "pop3d/mailbox_lock.hpp"
#include "pop3d/tls_context.hpp"

namespace psyncd::pop3d {

namespace {

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

unsigned usable_cpus() {
  // The CPUs this process may run on (taskset, a cgroup cpuset), not all the machine has:
  // more loops than CPUs only adds context switches.
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return static_cast<unsigned>(CPU_COUNT(&set));
  return std::thread::hardware_concurrency();
}

std::size_t choose_threads(std::size_t configured, const spool::ServerConfig& server,
                           unsigned cpus) {
  if (configured > 0) return std::min(configured, kMaxThreads);
  const auto from_tab = server.get_int("Pop3Threads", 0);
  if (from_tab > 0) return std::min(static_cast<std::size_t>(from_tab), kMaxThreads);
  return std::clamp<std::size_t>(cpus, 1, kMaxThreads);
}

struct Server::Impl {
  explicit Impl(const Pop3dConfig& c)
      : config(c),
        penalty(c.ip_penalty_step, c.ip_penalty_max, c.ip_penalty_window, c.lockout_failures),
        shared{config, penalty, nullptr, nullptr, {}, &listings, {0}, {false}, {}, {}} {}
  ~Impl() {
    loops.clear();
    MailboxLock::remove_template(spool::MailRoot(config.mail_root).pop3locks_dir());
    for (auto& l : listeners) ::close(l.fd);
  }

  Result<void> setup();
  void read_limits(const spool::ServerConfig& tab);
  Result<void> load_tls(const spool::ServerConfig& tab);
  Result<void> open_listeners(const std::vector<std::string>& given, std::uint16_t port, bool ipv6,
                              bool tls);

  Pop3dConfig config;
  IpPenalty penalty;
  ListingCache listings;
  LoopShared shared;
  std::optional<TlsContext> tls;
  std::unique_ptr<Pop3Log> log;
  std::vector<ListenerRef> listeners;
  std::vector<BoundPort> ports;
  std::vector<std::unique_ptr<EventLoop>> loops;
};

Result<void> Server::Impl::open_listeners(const std::vector<std::string>& given, std::uint16_t port,
                                          bool ipv6, bool is_tls) {
  auto specs = bind_specs(given, port, ipv6);
  if (!specs) return specs.error();
  for (const auto& spec : *specs) {
    auto sock = open_listener(spec);
    if (!sock) return sock.error();
    ports.push_back({is_tls, sock->address, sock->port});
    listeners.push_back({sock->fd, is_tls});
  }
  return {};
}

// The limits server.tab may set (read at start-up); absent ones keep the config's values.
void Server::Impl::read_limits(const spool::ServerConfig& tab) {
  auto non_negative = [&](const char* name, long long fallback) {
    return std::max<long long>(0, tab.get_int(name, fallback));
  };
  config.lockout_failures = static_cast<int>(
      std::min<long long>(non_negative("Pop3LockoutFailures", config.lockout_failures), 1 << 20));
  penalty.set_lockout_failures(config.lockout_failures);
  config.login_timeout =
      std::chrono::seconds(non_negative("Pop3LoginTimeout", config.login_timeout.count()));
  config.max_per_ip = static_cast<std::size_t>(
      non_negative("Pop3MaxConnPerIP", static_cast<long long>(config.max_per_ip)));
}

Result<void> Server::Impl::load_tls(const spool::ServerConfig& tab) {
  const spool::MailRoot root(config.mail_root);
  if (!fs::exists(root.server_cert()) || !fs::exists(root.server_key())) {
    if (config.pop3s_enabled)
      log::warn("pop3d: no {} / {}: POP3S and STLS are off", root.server_cert(), root.server_key());
    return {};
  }
  TlsPolicy policy;
  policy.ciphers = tab.get("Pop3TLSCiphers").value_or(policy.ciphers);
  policy.min_version = tab.get("Pop3TLSMinVersion").value_or(policy.min_version);
  policy.source = root.server_tab();
  auto ctx = TlsContext::load(root.server_cert(), root.server_key(), policy);
  if (!ctx) return ctx.error();
  tls = std::move(*ctx);
  shared.tls = tls->get();
  return {};
}

Result<void> Server::Impl::setup() {
  const spool::MailRoot root(config.mail_root);
  // The limits and the TLS policy first: the event loops copy the TLS context when made.
  auto tab = spool::ServerConfig::load(root.server_tab());
  const spool::ServerConfig server_tab = tab ? std::move(*tab) : spool::ServerConfig{};
  read_limits(server_tab);
  if (auto r = load_tls(server_tab); !r) return r;
  if (auto r = fs::posix().make_dirs(root.pop3locks_dir()); !r) return r;
  if (config.log_enabled) {
    if (auto r = fs::posix().make_dirs(root.logs_dir()); !r) return r;
    log = std::make_unique<Pop3Log>(root.logs_dir(), config.log_rotate_hours);
    shared.log = log.get();
  }
  char host[256] = "localhost";
  ::gethostname(host, sizeof host - 1);
  shared.host = host;
  loops.push_back(std::make_unique<EventLoop>(shared, config.mail_root));
  if (auto r = loops[0]->load_tables(); !r) return r;
  const std::size_t threads = choose_threads(config.threads, server_tab, usable_cpus());
  listings.set_max_messages(static_cast<std::size_t>(std::max<long long>(
      0, server_tab.get_int("Pop3ListingCache",
                            static_cast<long long>(ListingCache::kDefaultMaxMessages)))));
  if (config.pop3_enabled) {
    if (auto r = open_listeners(config.pop3_bind, config.pop3_port, config.pop3_ipv6, false); !r)
      return r;
  }
  if (config.pop3s_enabled && shared.tls) {
    if (auto r = open_listeners(config.pop3s_bind, config.pop3s_port, config.pop3s_ipv6, true); !r)
      return r;
  }
  while (loops.size() < threads) {
    loops.push_back(std::make_unique<EventLoop>(shared, config.mail_root));
    if (auto r = loops.back()->load_tables(); !r) return r;
  }
  for (auto& loop : loops) {
    if (auto r = loop->watch(listeners); !r) return r;
  }
  return {};
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::create(const Pop3dConfig& config) {
  auto impl = std::make_unique<Impl>(config);
  if (auto r = impl->setup(); !r) return r.error();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

const std::vector<BoundPort>& Server::ports() const { return impl_->ports; }
std::size_t Server::sessions() const { return impl_->shared.sessions.load(); }
std::size_t Server::threads() const { return impl_->loops.size(); }

Result<void> Server::run(std::atomic<bool>& stop) {
  auto& loops = impl_->loops;
  std::vector<Result<void>> results(loops.size());
  std::vector<std::thread> workers;
  for (std::size_t i = 1; i < loops.size(); ++i)
    workers.emplace_back([&, i] { results[i] = loops[i]->run(stop); });
  results[0] = loops[0]->run(stop);
  for (auto& t : workers) t.join();
  for (auto& r : results) {
    if (!r) return r;
  }
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
