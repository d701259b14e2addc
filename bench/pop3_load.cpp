// pop3_load: a lean POP3 load driver for bench/pop3d_bench.py. One epoll loop, non-blocking
// sockets, a fixed number of concurrent sessions for a fixed time; replies are only counted by
// their terminators (CRLF for one-line replies, CRLF.CRLF for multi-line ones, dot-stuffing
// guarantees that ends only a reply) and checked for a leading "-ERR", nothing else is parsed.
// So the driver costs little CPU and drives any POP3 server the same way.
//   full  - USER+PASS pipelined (3 lines: greeting and two replies), then UIDL, RETR 1..M and
//           QUIT in one write; M+1 multi-line replies, then read to EOF (the server closes)
//   light - greeting; USER+PASS; STAT+UIDL (1 line + 1 multi-line); QUIT (1 line); close
// Prints one line: sessions, bytes, errors, elapsed, latency percentiles, driver CPU; with
// --latencies FILE also every session's latency in microseconds, one per line.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string phase = "full";
  std::uint16_t port = 110;
  int concurrency = 4;
  double seconds = 4;
  int messages = 300;
  int first_account = 0;  // worker k uses account (first_account + k) % accounts
  std::string accounts_file;
  std::string latencies_file;
};

struct Account {
  std::string user, password;
};

// What the session waits for now: `count` occurrences of `pattern` (then the next step), or
// EOF. The stream before a step's request went out is fully consumed, so steps never overlap.
struct Step {
  std::string send;
  std::string_view pattern;  // "" = read to EOF
  int count = 0;
};

constexpr std::string_view kLine = "\r\n";
constexpr std::string_view kEnd = "\r\n.\r\n";

struct Conn {
  int fd = -1;
  int worker = 0;
  std::vector<Step> steps;
  std::size_t step = 0;
  int seen = 0;
  std::string out;
  std::size_t out_pos = 0;
  char tail[8] = {};  // last pattern-1 bytes of the previous read
  std::size_t tail_len = 0;
  bool line_start = true;  // for the -ERR check across reads
  Clock::time_point started;
  std::uint64_t bytes = 0;
};

struct Stats {
  std::uint64_t sessions = 0, bytes = 0, errors = 0;
  std::vector<std::uint32_t> latencies_us;
};

// Occurrences of `pattern` in [begin, end), found by memchr on pattern[anchor] (a byte that is
// rare in mail, so this runs at memchr speed instead of memmem's).
std::size_t count_matches(const char* begin, const char* end, std::string_view pattern,
                          std::size_t anchor) {
  std::size_t count = 0;
  const char* p = begin + anchor;
  while (p < end) {
    const auto* hit = static_cast<const char*>(
        std::memchr(p, pattern[anchor], static_cast<std::size_t>(end - p)));
    if (hit == nullptr) break;
    const char* start = hit - anchor;
    if (start + pattern.size() <= end && std::memcmp(start, pattern.data(), pattern.size()) == 0) {
      ++count;
      p = start + pattern.size() + anchor;
    } else {
      p = hit + 1;
    }
  }
  return count;
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "pop3_load: %s\n", what.c_str());
  std::fflush(nullptr);
  std::_Exit(2);  // not exit(): worker threads may still run, and exit() is not thread-safe
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) die("missing value after " + a);
    const std::string v = argv[++i];
    if (a == "--phase")
      o.phase = v;
    else if (a == "--port")
      o.port = static_cast<std::uint16_t>(std::stoi(v));
    else if (a == "--concurrency")
      o.concurrency = std::stoi(v);
    else if (a == "--seconds")
      o.seconds = std::stod(v);
    else if (a == "--messages")
      o.messages = std::stoi(v);
    else if (a == "--first-account")
      o.first_account = std::stoi(v);
    else if (a == "--accounts")
      o.accounts_file = v;
    else if (a == "--latencies")
      o.latencies_file = v;
    else
      die("unknown option " + a);
  }
  if (o.phase != "full" && o.phase != "light") die("--phase is full or light");
  if (o.accounts_file.empty()) die("--accounts FILE (lines: user password) is required");
  return o;
}

std::vector<Account> load_accounts(const std::string& path) {
  std::ifstream in(path);
  std::vector<Account> out;
  Account a;
  while (in >> a.user >> a.password) out.push_back(a);
  if (out.empty()) die("no accounts in " + path);
  return out;
}

std::vector<Step> session_steps(const Options& o, const Account& a) {
  const std::string login = "USER " + a.user + "\r\nPASS " + a.password + "\r\n";
  if (o.phase == "light") {
    return {
        {"", kLine, 1}, {login, kLine, 2}, {"STAT\r\nUIDL\r\n", kEnd, 1}, {"QUIT\r\n", kLine, 1}};
  }
  std::string fetch = "UIDL\r\n";
  for (int i = 1; i <= o.messages; ++i) fetch += "RETR " + std::to_string(i) + "\r\n";
  fetch += "QUIT\r\n";
  return {{login, kLine, 3}, {fetch, kEnd, o.messages + 1}, {"", "", 0}};
}

class Driver {
 public:
  Driver(Options o, std::vector<Account> accounts)
      : opt_(std::move(o)), accounts_(std::move(accounts)), buf_(256 * 1024 + 8) {
    ep_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep_ < 0) die("epoll_create1");
    addr_.sin_family = AF_INET;
    addr_.sin_port = htons(opt_.port);
    addr_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    conns_.resize(static_cast<std::size_t>(opt_.concurrency));
  }

  Stats run() {
    const auto t0 = Clock::now();
    stop_at_ = t0 + std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(opt_.seconds));
    for (std::size_t k = 0; k < conns_.size(); ++k) start(k);
    std::vector<epoll_event> events(256);
    while (active_ > 0) {
      const int n = ::epoll_wait(ep_, events.data(), static_cast<int>(events.size()), 1000);
      if (n < 0 && errno != EINTR) die("epoll_wait");
      for (int i = 0; i < n; ++i) on_ready(events[static_cast<std::size_t>(i)].data.u32);
      expire_stuck();
    }
    elapsed_ = std::chrono::duration<double>(Clock::now() - t0).count();
    return std::move(stats_);
  }
  double elapsed() const { return elapsed_; }

 private:
  void start(std::size_t k) {
    Conn& c = conns_[k];
    c = Conn{};
    c.worker = static_cast<int>(k);
    if (Clock::now() >= stop_at_) return;
    const auto& acct =
        accounts_[static_cast<std::size_t>(opt_.first_account + c.worker) % accounts_.size()];
    c.steps = session_steps(opt_, acct);
    c.started = Clock::now();
    c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c.fd < 0) die("socket");
    int one = 1;
    ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(c.fd, reinterpret_cast<sockaddr*>(&addr_), sizeof addr_) != 0 &&
        errno != EINPROGRESS) {
      return fail(k, "connect");
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u32 = static_cast<std::uint32_t>(k);
    ::epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
    ++active_;
    enter_step(c);
  }

  void enter_step(Conn& c) {
    c.seen = 0;
    c.tail_len = 0;
    c.out = c.steps[c.step].send;
    c.out_pos = 0;
  }

  void finish(std::size_t k, bool ok, const char* why) {
    Conn& c = conns_[k];
    if (c.fd >= 0) {
      ::close(c.fd);  // also leaves epoll
      c.fd = -1;
      --active_;
    }
    if (ok) {
      ++stats_.sessions;
      stats_.bytes += c.bytes;
      stats_.latencies_us.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - c.started).count()));
    } else {
      if (++stats_.errors <= 3) std::fprintf(stderr, "pop3_load: session error: %s\n", why);
    }
    start(k);
  }
  void fail(std::size_t k, const char* why) { finish(k, false, why); }

  void on_ready(std::uint32_t k) {
    Conn& c = conns_[k];
    if (c.fd < 0) return;
    if (!flush(k)) return;
    for (;;) {
      const ssize_t n = ::recv(c.fd, buf_.data() + 8, buf_.size() - 8, 0);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        if (errno == EINTR) continue;
        return fail(k, "recv");
      }
      if (n == 0) {
        const bool ok = c.steps[c.step].pattern.empty();
        return finish(k, ok, "connection closed early");
      }
      if (!consume(k, static_cast<std::size_t>(n))) return;
      if (c.fd < 0) return;
    }
    update_interest(c, static_cast<std::uint32_t>(k));
  }

  // Counts this read's terminators; moves to the next step when the count is reached.
  bool consume(std::size_t k, std::size_t n) {
    Conn& c = conns_[k];
    c.bytes += n;
    const char* data = buf_.data() + 8;
    if (c.line_start && n >= 4 && std::memcmp(data, "-ERR", 4) == 0) {
      fail(k, "-ERR reply");
      return false;
    }
    if (count_matches(data, data + n, "\n-ERR", 1) != 0) {
      fail(k, "-ERR reply");
      return false;
    }
    c.line_start = data[n - 1] == '\n';
    const Step& s = c.steps[c.step];
    if (s.pattern.empty()) return true;  // draining to EOF
    // Scan the previous tail + this read: a match cannot lie inside the short tail alone.
    char* scan = buf_.data() + 8 - c.tail_len;
    std::memcpy(scan, c.tail, c.tail_len);
    const std::size_t len = n + c.tail_len;
    const char* end = scan + len;
    // Anchored on the pattern's rarest byte: "." in CRLF.CRLF, LF in CRLF.
    c.seen += static_cast<int>(count_matches(scan, end, s.pattern, s.pattern.size() == 5 ? 2 : 1));
    const std::size_t keep = std::min(len, s.pattern.size() - 1);
    std::memcpy(c.tail, end - keep, keep);
    c.tail_len = keep;
    if (c.seen < s.count) return true;
    if (++c.step >= c.steps.size()) {
      finish(k, true, "");
      return false;
    }
    enter_step(c);
    return flush(k);
  }

  bool flush(std::size_t k) {
    Conn& c = conns_[k];
    while (c.out_pos < c.out.size()) {
      const ssize_t n =
          ::send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
        if (errno == EINTR) continue;
        if (errno == ENOTCONN) return true;  // connect still in progress
        fail(k, "send");
        return false;
      }
      c.out_pos += static_cast<std::size_t>(n);
    }
    return true;
  }

  void update_interest(Conn& c, std::uint32_t k) {
    epoll_event ev{};
    ev.events = EPOLLIN | (c.out_pos < c.out.size() ? static_cast<std::uint32_t>(EPOLLOUT) : 0u);
    ev.data.u32 = k;
    ::epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  // A session still open 30 s after the phase ended counts as an error.
  void expire_stuck() {
    const auto now = Clock::now();
    if (now < stop_at_ + std::chrono::seconds(30)) return;
    for (std::size_t k = 0; k < conns_.size(); ++k) {
      if (conns_[k].fd >= 0) fail(k, "timeout");
    }
  }

  Options opt_;
  std::vector<Account> accounts_;
  std::vector<char> buf_;
  std::vector<Conn> conns_;
  sockaddr_in addr_{};
  int ep_ = -1;
  int active_ = 0;
  Clock::time_point stop_at_;
  Stats stats_;
  double elapsed_ = 0;
};

double percentile_ms(std::vector<std::uint32_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(std::lround(p * static_cast<double>(v.size() - 1)));
  return v[i] / 1000.0;
}

double cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse_options(argc, argv);
  Driver driver(opt, load_accounts(opt.accounts_file));
  const double cpu0 = cpu_seconds();
  const Stats st = driver.run();
  const double cpu = cpu_seconds() - cpu0;
  if (!opt.latencies_file.empty()) {
    std::ofstream out(opt.latencies_file);
    for (auto us : st.latencies_us) out << us << '\n';
  }
  std::printf(
      "sessions=%llu bytes=%llu errors=%llu elapsed=%.3f p50_ms=%.2f p99_ms=%.2f "
      "cpu_s=%.3f\n",
      static_cast<unsigned long long>(st.sessions), static_cast<unsigned long long>(st.bytes),
      static_cast<unsigned long long>(st.errors), driver.elapsed(),
      percentile_ms(st.latencies_us, 0.50), percentile_ms(st.latencies_us, 0.99), cpu);
  return 0;
}
