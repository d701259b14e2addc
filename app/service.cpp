#include "app/service.hpp"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <thread>

#include "app/link_status.hpp"
#include "app/pid_file.hpp"
#include "app/pop3d_config.hpp"
#include "app/psync_runner.hpp"
#include "app/status_json.hpp"
#include "app/status_recorder.hpp"
#include "common/fs.hpp"
#include "common/log.hpp"
#include "pop3d/server.hpp"

namespace psyncd::app {

namespace {

int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

sigset_t service_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

void on_hangup(const Options& options) {
  log::info("SIGHUP: configuration re-read; PSYNC cycle started now");
  if (!options.psync_enabled) return;
  auto r = fs::write_file_atomic(fs::posix(), fs::join(options.mail_root, ".psync-trigger"),
                                 "SIGHUP\n", 0644);
  if (!r) log::warn("SIGHUP: {}", r.error().to_string());
}

// The main thread waits here for a signal (or for a worker that stopped on its own).
void wait_for_stop(const Options& options, std::atomic<bool>& stop) {
  sigset_t set = service_signals();
  timespec tick{0, 200'000'000};
  while (!stop.load()) {
    int sig = sigtimedwait(&set, nullptr, &tick);
    if (sig == SIGHUP) on_hangup(options);
    if (sig == SIGTERM || sig == SIGINT) {
      log::info("{}: stopping (finishing the PSYNC messages in flight)",
                sig == SIGTERM ? "SIGTERM" : "SIGINT");
      stop = true;
    }
  }
}

std::string describe_ports(const std::vector<pop3d::BoundPort>& ports) {
  std::string out;
  for (const auto& p : ports)
    out += (out.empty() ? "" : ", ") + std::string(p.tls ? "POP3S " : "POP3 ") + p.address + ":" +
           std::to_string(p.port);
  return out;
}

}  // namespace

int run_service(const Options& options, std::ostream& out, std::ostream& err) {
  auto pid = PidFile::acquire(fs::join(options.mail_root, "psyncd.pid"));
  if (!pid) {
    err << "psyncd: " << pid.error().to_string() << '\n';
    return exit_code(pid.error().kind);
  }
  // Blocked before any thread starts, so every thread inherits the mask and only
  // sigtimedwait() in the main thread sees them.
  sigset_t set = service_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  StatusRecorder status(options.mail_root, options.psync_interval);
  std::atomic<bool> stop{false};
  int psync_rc = 0;
  int pop3_rc = 0;
  std::vector<std::thread> workers;
  // The ports our POP3 server really holds, for the self-poll refusal.
  psync::SelfListener self;
  const bool serving = options.pop3.enabled || options.pop3s.enabled;
  if (!serving) self.closed();
  if (options.psync_enabled) {
    workers.emplace_back([&] {
      self.wait_settled(&stop);  // the first cycle knows which ports are ours
      psync_rc = run_psync(options, out, err, &stop, system_clock(), &status, &self);
      if (psync_rc != 0) stop = true;
    });
  }
  if (serving) {
    workers.emplace_back([&] {
      auto config = make_pop3d_config(options);
      config.on_ready = [&self](const std::vector<pop3d::BoundPort>& ports) {
        log::info("pop3d: listening on {}", describe_ports(ports));
        std::vector<std::uint16_t> numbers;
        numbers.reserve(ports.size());
        for (const auto& p : ports) numbers.push_back(p.port);
        self.bound(numbers);
      };
      auto r = pop3d::run_server(config, stop);
      self.closed();
      if (!r) {
        log::error("pop3d: {}", r.error().to_string());
        pop3_rc = exit_code(r.error().kind);
        stop = true;
      }
    });
  }
  log::info("psyncd started on {} (PSYNC {}, POP3 {})", options.mail_root,
            options.psync_enabled ? "on" : "off", options.pop3.enabled ? "on" : "off");
  wait_for_stop(options, stop);
  for (auto& t : workers) t.join();
  log::info("psyncd stopped");
  return psync_rc != 0 ? psync_rc : pop3_rc;
}

int print_status(const Options& options, std::ostream& out, std::ostream& err) {
  std::string path = status_path(options.mail_root);
  auto text = fs::read_file(path);
  if (!text) {
    err << "psyncd: " << path << ": no status yet (has the daemon run a PSYNC cycle?)\n";
    return exit_code(ErrorKind::not_found);
  }
  auto entries = parse_status_table(*text, path);
  if (!entries) {
    err << "psyncd: " << entries.error().to_string() << '\n';
    return exit_code(entries.error().kind);
  }
  int64_t now = unix_now();
  if (options.json) {
    out << format_status_json(*entries, now);
    return 0;
  }
  for (const auto& s : *entries) out << status_line(s, now) << '\n';
  return 0;
}

}  // namespace psyncd::app
