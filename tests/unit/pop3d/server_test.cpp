#include "pop3d/server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <mutex>
#include <thread>

#include "common/log.hpp"
#include "pop3/base64.hpp"
#include "tests/support/pop3d/pop3d_fixture.hpp"

using namespace psyncd;
using namespace psyncd::pop3d;

namespace {

// A blocking client for the tests: lines and multi-line replies with a 10 s receive timeout.
class Client {
 public:
  explicit Client(std::uint16_t port, int timeout_secs = 10) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{timeout_secs, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  // MSG_NOSIGNAL: a test that writes after the server closed gets EPIPE, not SIGPIPE.
  void send(const std::string& s) { (void)!::send(fd_, s.data(), s.size(), MSG_NOSIGNAL); }
  std::string until(const std::string& end) {
    while (buf_.find(end) == std::string::npos) {
      char tmp[4096];
      const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n <= 0) {
        std::string rest = std::move(buf_);
        buf_.clear();
        // A close with client bytes still unread makes the server's kernel send a reset.
        const char* end_mark = n == 0 ? "<EOF>" : errno == ECONNRESET ? "<RESET>" : "<ERR>";
        return rest + end_mark;
      }
      buf_.append(tmp, static_cast<std::size_t>(n));
    }
    const auto at = buf_.find(end) + end.size();
    std::string out = buf_.substr(0, at);
    buf_.erase(0, at);
    return out;
  }
  std::string line() { return until("\r\n"); }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

struct Running {
  explicit Running(Pop3dConfig cfg) {
    auto s = Server::create(cfg);
    REQUIRE(s);
    server = std::move(*s);
    REQUIRE(server->ports().size() == 1);
    port = server->ports()[0].port;
    thread = std::thread([this] { (void)server->run(stop); });
  }
  ~Running() {
    stop = true;
    thread.join();
  }
  std::unique_ptr<Server> server;
  std::atomic<bool> stop{false};
  std::thread thread;
  std::uint16_t port = 0;
};

Pop3dConfig config_for(const std::string& root) {
  Pop3dConfig cfg;
  cfg.mail_root = root;
  cfg.pop3_port = 0;
  cfg.pop3_bind = {"127.0.0.1"};
  cfg.pop3s_enabled = false;
  cfg.bad_login_delay = std::chrono::milliseconds(0);
  cfg.ip_penalty_step = std::chrono::milliseconds(0);
  cfg.lockout_failures = 0;
  return cfg;
}

// Captures the log lines (from every event loop) while it lives.
class LogCapture {
 public:
  LogCapture() {
    old_ = log::set_sink([this](log::Level, std::string_view m) {
      std::lock_guard guard(mutex_);
      lines_.emplace_back(m);
    });
  }
  ~LogCapture() { log::set_sink(std::move(old_)); }
  std::vector<std::string> lines() const {
    std::lock_guard guard(mutex_);
    return lines_;
  }
  std::size_t count(std::string_view part) const {
    std::size_t n = 0;
    for (const auto& l : lines()) n += l.find(part) != std::string::npos;
    return n;
  }

 private:
  log::Sink old_;
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

void wait_for_sessions(const Running& r, std::size_t n) {
  for (int i = 0; i < 200 && r.server->sessions() != n; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}  // namespace

TEST_CASE("Server: a session over a real socket, deletions at QUIT only") {
  test::Pop3dRoot root;
  root.add_user("alice", "secret");
  root.add_message("alice", "1.host,S=13,W=13", "Subject: a\r\n\r\n");
  root.add_message("alice", "2.host", "..dot\nline\n");  // bare LF, a stuffed leading dot
  Running r(config_for(root.path()));
  {
    Client c(r.port);
    REQUIRE(c.connected());
    CHECK(c.line().rfind("+OK psyncd POP3 server ready <", 0) == 0);
    c.send("USER alice\r\nPASS secret\r\nLIST\r\nRETR 2\r\nDELE 1\r\n");
    CHECK(c.line().rfind("+OK", 0) == 0);
    CHECK(c.line().rfind("+OK", 0) == 0);
    CHECK(c.until("\r\n.\r\n") ==
          "+OK maildrop has 2 messages (26 octets)\r\n1 13\r\n2 13\r\n.\r\n");
    CHECK(c.until("\r\n.\r\n") == "+OK 13 octets\r\n..dot\r\nline\r\n.\r\n");
    CHECK(c.line().rfind("+OK", 0) == 0);
  }  // dropped without QUIT: nothing deleted
  // Another event loop may serve the next client before this one has seen the close.
  for (int i = 0; i < 100 && r.server->sessions() != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(::access((root.maildir("alice") + "/1.host,S=13,W=13").c_str(), F_OK) == 0);
  {
    Client c(r.port);
    c.line();
    c.send("USER alice\r\nPASS secret\r\nDELE 1\r\nQUIT\r\n");
    c.line();
    c.line();
    c.line();
    CHECK(c.line().rfind("+OK", 0) == 0);
    CHECK(c.line() == "<EOF>");
  }
  CHECK(::access((root.maildir("alice") + "/1.host,S=13,W=13").c_str(), F_OK) != 0);
  CHECK(::access((root.maildir("alice") + "/2.host").c_str(), F_OK) == 0);
}

TEST_CASE("Server: -PX refuses sessions over the cap; the global ipmap denies") {
  test::Pop3dRoot root;
  auto cfg = config_for(root.path());
  cfg.max_sessions = 1;
  root.add_user("alice", "secret");
  Running r(cfg);
  Client first(r.port);
  CHECK(first.line().rfind("+OK", 0) == 0);
  first.send("USER alice\r\nPASS secret\r\n");  // logged in: not evicted for a newcomer
  first.line();
  CHECK(first.line().rfind("+OK", 0) == 0);
  Client second(r.port);
  CHECK(second.line() == "-ERR [SYS/TEMP] too many sessions\r\n");
  CHECK(second.line() == "<EOF>");
  root.write("pop3.ipmap.tab", "\"127.0.0.1/32\"\t\"DENY\"\t1\n");
  first.send("QUIT\r\n");
  CHECK(first.line().rfind("+OK", 0) == 0);
  CHECK(first.line() == "<EOF>");
  // The server notices the closed session before the next accept (same event loop order is
  // not guaranteed): retry a few times while the slot frees up.
  std::string got;
  for (int i = 0; i < 50 && got != "-ERR Server does not like Your IP\r\n"; ++i) {
    Client third(r.port);
    got = third.line();
    if (got != "-ERR Server does not like Your IP\r\n")
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(got == "-ERR Server does not like Your IP\r\n");
}

TEST_CASE("Server: -Ph hangs up after a failed login; a long line disconnects") {
  test::Pop3dRoot root;
  root.add_user("alice", "secret");
  auto cfg = config_for(root.path());
  cfg.hang_up_on_bad_login = true;
  cfg.max_line = 64;
  Running r(cfg);
  {
    Client c(r.port);
    c.line();
    c.send("USER alice\r\nPASS wrong\r\n");
    c.line();
    CHECK(c.line() == "-ERR [AUTH] invalid user name or password\r\n");
    CHECK(c.line() == "<EOF>");
  }
  {
    Client c(r.port);
    c.line();
    c.send("NOOP " + std::string(100, 'x') + "\r\n");
    CHECK(c.line() == "-ERR command line too long\r\n");
    CHECK(c.line() == "<EOF>");
  }
}

TEST_CASE("Server: idle timeout closes silently") {
  test::Pop3dRoot root;
  auto cfg = config_for(root.path());
  cfg.idle_timeout = std::chrono::seconds(1);
  Running r(cfg);
  Client c(r.port);
  c.line();
  CHECK(c.line() == "<EOF>");  // no reply, just the close (bounded by the 10 s receive timeout)
}

TEST_CASE("Server: choose_threads: configured, then Pop3Threads, then CPUs, capped") {
  struct Case {
    const char* name;
    std::size_t configured;
    const char* server_tab;
    unsigned cpus;
    std::size_t want;
  };
  const Case cases[] = {
      {"configured wins", 3, "\"Pop3Threads\"\t\"5\"\n", 8, 3},
      {"server.tab next", 0, "\"Pop3Threads\"\t\"5\"\n", 8, 5},
      {"zero in server.tab means CPUs", 0, "\"Pop3Threads\"\t\"0\"\n", 8, 8},
      {"CPUs by default", 0, "", 2, 2},
      {"unknown CPU count: one", 0, "", 0, 1},
      {"capped", 1000, "", 2, kMaxThreads},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      test::Pop3dRoot root;
      root.write("server.tab", c.server_tab);
      auto server = spool::ServerConfig::load(root.path() + "/server.tab");
      REQUIRE(server);
      CHECK(choose_threads(c.configured, *server, c.cpus) == c.want);
    }
  }
}

TEST_CASE("Server: usable_cpus follows the CPU affinity (taskset, cpuset)") {
  cpu_set_t all;
  REQUIRE(::sched_getaffinity(0, sizeof all, &all) == 0);
  const int first = [&] {
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &all)) return c;
    return -1;
  }();
  REQUIRE(first >= 0);
  CHECK(usable_cpus() == static_cast<unsigned>(CPU_COUNT(&all)));
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  REQUIRE(::sched_setaffinity(0, sizeof one, &one) == 0);
  const unsigned pinned = usable_cpus();
  REQUIRE(::sched_setaffinity(0, sizeof all, &all) == 0);
  CHECK(pinned == 1);
}

TEST_CASE("Server: with 4 event loops, -PX counts sessions over all of them") {
  test::Pop3dRoot root;
  root.add_user("alice", "secret");
  auto cfg = config_for(root.path());
  cfg.threads = 4;
  cfg.max_sessions = 6;
  Running r(cfg);
  CHECK(r.server->threads() == 4);
  std::vector<std::unique_ptr<Client>> open;
  for (int i = 0; i < 6; ++i) {
    root.add_user("u" + std::to_string(i), "pw");
    open.push_back(std::make_unique<Client>(r.port));
    CHECK(open.back()->line().rfind("+OK psyncd POP3 server ready <", 0) == 0);
    // Logged in, so no newcomer can evict it.
    open.back()->send("USER u" + std::to_string(i) + "\r\nPASS pw\r\n");
    open.back()->line();
    CHECK(open.back()->line().rfind("+OK", 0) == 0);
  }
  CHECK(r.server->sessions() == 6);
  Client over(r.port);
  CHECK(over.line() == "-ERR [SYS/TEMP] too many sessions\r\n");
  // The mailbox lock excludes a second login to the same account, whichever loop holds it.
  open[5].reset();
  wait_for_sessions(r, 5);
  Client again(r.port);
  again.line();
  again.send("USER u0\r\nPASS pw\r\n");
  again.line();
  CHECK(again.line().rfind("-ERR [IN-USE]", 0) == 0);
  open.clear();
  again.send("QUIT\r\n");
  again.line();
  CHECK(again.line() == "<EOF>");
  wait_for_sessions(r, 0);
  CHECK(r.server->sessions() == 0);
}

TEST_CASE("Server: concurrent sessions on 4 loops each get their own mailbox intact") {
  test::Pop3dRoot root;
  constexpr int kUsers = 8;
  for (int u = 0; u < kUsers; ++u) {
    const std::string user = "user" + std::to_string(u);
    root.add_user(user, "pw" + std::to_string(u));
    root.add_message(user, "1.host", "Subject: " + user + "\r\n\r\n..body\r\n");  // stored stuffed
  }
  auto cfg = config_for(root.path());
  cfg.threads = 4;
  Running r(cfg);
  std::vector<std::thread> clients;
  std::atomic<int> good{0};
  for (int u = 0; u < kUsers; ++u) {
    clients.emplace_back([&, u] {
      const std::string user = "user" + std::to_string(u);
      for (int round = 0; round < 20; ++round) {
        Client c(r.port);
        c.line();
        c.send("USER " + user + "\r\nPASS pw" + std::to_string(u) + "\r\nRETR 1\r\nQUIT\r\n");
        c.line();
        c.line();
        const std::string body = c.until("\r\n.\r\n");
        const std::string quit = c.line();
        if (body == "+OK " + std::to_string(user.size() + 21) + " octets\r\nSubject: " + user +
                        "\r\n\r\n..body\r\n.\r\n" &&
            quit.rfind("+OK", 0) == 0)
          ++good;
      }
    });
  }
  for (auto& t : clients) t.join();
  CHECK(good == kUsers * 20);
}

TEST_CASE("Server: [IN-USE] is answered at once and is not a failed login") {
  test::Pop3dRoot root;
  root.add_user("alice", "secret");
  auto cfg = config_for(root.path());
  cfg.bad_login_delay = std::chrono::seconds(60);  // a failed login would hold for a minute
  cfg.ip_penalty_step = std::chrono::seconds(60);
  LogCapture logs;
  Running r(cfg);
  Client first(r.port);
  first.line();
  first.send("USER alice\r\nPASS secret\r\n");
  first.line();
  CHECK(first.line().rfind("+OK", 0) == 0);
  for (int i = 0; i < 2; ++i) {  // a client polling twice at once, twice
    Client second(r.port);
    second.line();
    second.send("USER alice\r\nPASS secret\r\nCAPA\r\n");
    second.line();
    CHECK(second.line() == "-ERR [IN-USE] mailbox is in use by another session\r\n");
    // No -Pw hold: the next command is answered (it would wait 60 s, past the 10 s timeout).
    CHECK(second.until("\r\n.\r\n").rfind("+OK Capability list follows", 0) == 0);
  }
  // No per-IP charge either: a third login (after the first ends) is not held back.
  first.send("QUIT\r\n");
  first.line();
  wait_for_sessions(r, 0);
  Client third(r.port);
  third.line();
  third.send("USER alice\r\nPASS secret\r\n");
  third.line();
  CHECK(third.line().rfind("+OK maildrop", 0) == 0);
  CHECK(logs.count("login failed") == 0);
  CHECK(logs.count("pop3d: mailbox in use: user=alice@example.test ip=127.0.0.1") == 2);
}

TEST_CASE("Server: a client's bytes in AUTH PLAIN never start a log line of their own") {
  test::Pop3dRoot root;
  root.add_user("alice", "secret");
  auto cfg = config_for(root.path());
  LogCapture logs;
  Running r(cfg);
  Client c(r.port);
  c.line();
  const std::string forged =
      "x\npsyncd: warning: pop3d: login failed: user=y ip=6.6.6.6 reason=z\x1b[2J";
  c.send("AUTH PLAIN " +
         pop3::base64_encode(std::string("\0", 1) + forged + std::string("\0pw", 3)) +
         "\r\nQUIT\r\n");
  CHECK(c.line() == "-ERR [AUTH] invalid user name or password\r\n");
  c.line();
  wait_for_sessions(r, 0);
  std::size_t failed = 0;
  for (const auto& l : logs.lines()) {
    CHECK(l.find_first_of("\n\r\x1b") == std::string::npos);
    if (l.rfind("pop3d: login failed:", 0) == 0) {
      ++failed;
      CHECK(l.find("ip=127.0.0.1") != std::string::npos);
      CHECK(l.find(" ip=6.6.6.6") == std::string::npos);  // the client's "ip=" is no field
    }
  }
  CHECK(failed == 1);
  CHECK(logs.count("user=x\\x0apsyncd:\\x20warning:") == 1);
}

TEST_CASE("Server: the per-IP charge comes before the password check, also with -Ph") {
  test::Pop3dRoot root;
  root.add_user("alice", "secret");
  auto cfg = config_for(root.path());
  cfg.hang_up_on_bad_login = true;
  cfg.ip_penalty_step = std::chrono::seconds(60);
  cfg.ip_penalty_max = std::chrono::seconds(600);
  LogCapture logs;
  Running r(cfg);
  {
    Client c(r.port);
    c.line();
    c.send("USER alice\r\nPASS guess\r\n");
    c.line();
    CHECK(c.line() == "-ERR [AUTH] invalid user name or password\r\n");
    CHECK(c.line() == "<EOF>");  // -Ph
  }
  {
    // The next attempt from the address waits a step before its password is checked, even
    // the right one: so an answer cannot come early, and hanging up does not skip the wait.
    Client c(r.port, 2);
    c.line();
    c.send("USER alice\r\nPASS secret\r\n");
    c.line();
    CHECK(c.line() == "<ERR>");  // nothing within 2 s of a 60 s wait
  }                              // hangs up while waiting: the attempt stays charged
  wait_for_sessions(r, 0);
  Client c(r.port, 2);
  c.line();
  c.send("USER alice\r\nPASS secret\r\n");
  c.line();
  CHECK(c.line() == "<ERR>");
  CHECK(logs.count("pop3d: login from 127.0.0.1 waits 60000 ms (1 failed") == 1);
  CHECK(logs.count("pop3d: login from 127.0.0.1 waits 120000 ms (2 failed") == 1);
  CHECK(logs.count("login failed") == 1);
}

TEST_CASE("Server: lockout after Pop3LockoutFailures failures, without checking the password") {
  test::Pop3dRoot root;
  root.add_user("alice", "secret");
  root.write("server.tab", "\"RootDomain\"\t\"example.test\"\n\"Pop3LockoutFailures\"\t\"3\"\n");
  auto cfg = config_for(root.path());
  LogCapture logs;
  Running r(cfg);
  Client c(r.port);
  c.line();
  for (int i = 0; i < 3; ++i) {
    c.send("USER alice\r\nPASS wrong\r\n");
    c.line();
    CHECK(c.line() == "-ERR [AUTH] invalid user name or password\r\n");
  }
  c.send("USER alice\r\nPASS secret\r\nAPOP alice 0123456789abcdef0123456789abcdef\r\n");
  c.line();
  const std::string locked =
      "-ERR [SYS/TEMP] too many failed logins from your address, try again later\r\n";
  CHECK(c.line() == locked);
  CHECK(c.line() == locked);
  CHECK(logs.count("login failed") == 3);
  CHECK(logs.count("pop3d: login refused: ip=127.0.0.1 is locked out (3 failed logins") == 1);
}

TEST_CASE("Server: Pop3LoginTimeout ends a login that takes too long, however busy the client") {
  test::Pop3dRoot root;
  root.write("server.tab", "\"RootDomain\"\t\"example.test\"\n\"Pop3LoginTimeout\"\t\"1\"\n");
  auto cfg = config_for(root.path());
  Running r(cfg);
  Client c(r.port);
  c.line();
  std::atomic<bool> done{false};
  std::thread trickle([&] {  // one byte every 100 ms: the idle timeout (600 s) never fires
    for (int i = 0; i < 100 && !done; ++i) {
      c.send("X");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  // Closed once the deadline passed: EOF, or a reset when the server closed with trickled
  // bytes unread (more likely on a busy machine); <ERR> after 10 s if it never closed.
  const std::string got = c.line();
  done = true;
  trickle.join();
  CHECK((got == "<EOF>" || got == "<RESET>"));
}

TEST_CASE("Server: Pop3MaxConnPerIP caps one address; refusals are logged once per 10 s") {
  test::Pop3dRoot root;
  root.write("server.tab", "\"RootDomain\"\t\"example.test\"\n\"Pop3MaxConnPerIP\"\t\"2\"\n");
  auto cfg = config_for(root.path());
  LogCapture logs;
  Running r(cfg);
  Client a(r.port), b(r.port);
  CHECK(a.line().rfind("+OK", 0) == 0);
  CHECK(b.line().rfind("+OK", 0) == 0);
  for (int i = 0; i < 20; ++i) {
    Client over(r.port);
    CHECK(over.line() == "-ERR [SYS/TEMP] too many connections from your address\r\n");
  }
  CHECK(logs.count("(Pop3MaxConnPerIP)") == 1);
  a.send("QUIT\r\n");
  a.line();
  wait_for_sessions(r, 1);
  Client c(r.port);
  CHECK(c.line().rfind("+OK", 0) == 0);
}

TEST_CASE("Server: clients that never log in cannot keep a real login out (-PX full)") {
  test::Pop3dRoot root;
  root.add_user("alice", "secret");
  auto cfg = config_for(root.path());
  cfg.max_sessions = 20;
  cfg.max_per_ip = 0;
  cfg.threads = 1;
  LogCapture logs;
  Running r(cfg);
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 40; ++i) {
    idle.push_back(std::make_unique<Client>(r.port));
    CHECK(idle.back()->line().rfind("+OK", 0) == 0);  // each evicts the oldest idle one
  }
  CHECK(r.server->sessions() == 20);
  Client real(r.port);
  CHECK(real.line().rfind("+OK", 0) == 0);
  real.send("USER alice\r\nPASS secret\r\nSTAT\r\n");
  real.line();
  CHECK(real.line().rfind("+OK maildrop", 0) == 0);
  CHECK(real.line().rfind("+OK 0 0", 0) == 0);
  CHECK(idle.front()->line() == "<EOF>");                                 // the oldest were closed
  CHECK(logs.count("closing the oldest connection not logged in") == 1);  // throttled
}
