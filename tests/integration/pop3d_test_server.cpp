// psyncd-pop3d-test: runs pop3d::run_server on a MAIL_ROOT for the interop tests and the
// serving benchmark (the real psyncd binary is wired by the app). Prints "pop3 PORT" and
// "pop3s PORT" lines, then "ready", on stdout; stops on SIGTERM/SIGINT.
// Usage: psyncd-pop3d-test MAIL_ROOT [--pop3-port N] [--pop3s-port N] [--delay-ms N]
//        [--penalty-ms N] [--hang-up] [--max-sessions N] [--idle-secs N] [--log] [--mailbox]
//        [--max-line N] [--lockout N] [--login-secs N] [--max-per-ip N]
// (The test server starts with no lockout; server.tab's Pop3LockoutFailures still applies.)
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/log.hpp"
#include "pop3d/server.hpp"

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop.store(true); }

long number(const char* text) {
  char* end = nullptr;
  const long v = std::strtol(text, &end, 10);
  if (!end || *end != '\0' || v < 0) {
    std::fprintf(stderr, "psyncd-pop3d-test: bad number \"%s\"\n", text);
    std::exit(64);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace psyncd;
  if (argc < 2) {
    std::fprintf(stderr, "usage: psyncd-pop3d-test MAIL_ROOT [options]\n");
    return 64;
  }
  pop3d::Pop3dConfig cfg;
  cfg.mail_root = argv[1];
  cfg.pop3_port = 0;
  cfg.pop3s_port = 0;
  cfg.pop3_bind = {"127.0.0.1"};
  cfg.pop3s_bind = {"127.0.0.1"};
  cfg.bad_login_delay = std::chrono::milliseconds(0);
  cfg.ip_penalty_step = std::chrono::milliseconds(0);
  cfg.lockout_failures = 0;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "psyncd-pop3d-test: %s needs a value\n", a.c_str());
        std::exit(64);
      }
      return argv[++i];
    };
    if (a == "--pop3-port")
      cfg.pop3_port = static_cast<std::uint16_t>(number(next()));
    else if (a == "--pop3s-port")
      cfg.pop3s_port = static_cast<std::uint16_t>(number(next()));
    else if (a == "--delay-ms")
      cfg.bad_login_delay = std::chrono::milliseconds(number(next()));
    else if (a == "--penalty-ms")
      cfg.ip_penalty_step = std::chrono::milliseconds(number(next()));
    else if (a == "--hang-up")
      cfg.hang_up_on_bad_login = true;
    else if (a == "--max-sessions")
      cfg.max_sessions = static_cast<std::size_t>(number(next()));
    else if (a == "--idle-secs")
      cfg.idle_timeout = std::chrono::seconds(number(next()));
    else if (a == "--lockout")
      cfg.lockout_failures = static_cast<int>(number(next()));
    else if (a == "--login-secs")
      cfg.login_timeout = std::chrono::seconds(number(next()));
    else if (a == "--max-per-ip")
      cfg.max_per_ip = static_cast<std::size_t>(number(next()));
    else if (a == "--max-line")
      cfg.max_line = static_cast<std::size_t>(number(next()));
    else if (a == "--log")
      cfg.log_enabled = true;
    else if (a == "--mailbox")
      cfg.format = pop3d::MailboxFormat::mailbox;
    else if (a == "--quiet")
      log::set_min_level(log::Level::warn);
    else {
      std::fprintf(stderr, "psyncd-pop3d-test: unknown option %s\n", a.c_str());
      return 64;
    }
  }
  cfg.on_ready = [](const std::vector<pop3d::BoundPort>& ports) {
    for (const auto& p : ports) std::printf("%s %u\n", p.tls ? "pop3s" : "pop3", p.port);
    std::printf("ready\n");
    std::fflush(stdout);
  };
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  auto r = pop3d::run_server(cfg, g_stop);
  if (!r) {
    std::fprintf(stderr, "psyncd-pop3d-test: %s\n", r.error().to_string().c_str());
    return exit_code(r.error().kind);
  }
  return 0;
}
