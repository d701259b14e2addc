#include "app/psync_runner.hpp"

#include <chrono>
#include <thread>

#include "app/advice.hpp"
#include "app/link_tally.hpp"
#include "common/log.hpp"
#include "psync/cycle_trigger.hpp"
#include "psync/psync_service.hpp"
#include "spool/mail_root.hpp"

namespace psyncd::app {

namespace {

// sysexits EX_TEMPFAIL: some link failed or left messages it wanted on the server (held).
constexpr int kExitTempFail = 75;

psync::PsyncConfig make_config(const Options& o, const std::atomic<bool>* stop, const Clock& clock,
                               psync::CycleObserver* observer, const psync::SelfListener* self) {
  psync::PsyncConfig c;
  c.mail_root = o.mail_root;
  c.threads = o.psync_threads;
  c.io_timeout = std::chrono::seconds(o.psync_timeout);
  c.log = o.psync_log;
  c.rotate_hours = o.log_rotate_hours;
  c.handoff = o.xmail_handoff;
  c.trace = o.trace;
  c.mailbox_format = o.mailbox_format == MailboxFormat::mailbox;
  // Only the ports our server has bound (none with --once): -Pp/-Bp alone say nothing of
  // what listens there.
  c.self = self;
  c.clock = &clock;
  c.stop = stop;
  c.observer = observer;
  return c;
}

bool stopping(const std::atomic<bool>* stop) { return stop != nullptr && stop->load(); }

int run_once(psync::PsyncService& service, std::ostream& out, std::ostream& err) {
  auto report = service.run_cycle();
  if (!report) {
    err << "psyncd: " << report.error().to_string() << "\n";
    return exit_code(report.error().kind);
  }
  for (const auto& p : report->problems) err << "psyncd: " << p << "\n";
  for (const auto& l : report->links) out << psync::summary_line(l) << "\n";
  out.flush();
  return report->ok() ? 0 : kExitTempFail;
}

void run_cycle_logged(psync::PsyncService& service, const Clock& clock) {
  const auto start = clock.steady_now();
  auto report = service.run_cycle();
  if (!report) {
    log::error("psync cycle: {}", report.error().to_string());
    return;
  }
  // One line per cycle, so an admin (and bench/poll_bench.py) sees what a poll costs.
  const std::chrono::duration<double> took = clock.steady_now() - start;
  LinkTally tally;
  for (const auto& p : report->problems) log::warn("{}", p);
  for (const auto& l : report->links) {
    tally.count(l);
    // The daemon's log says what --once says: the link, the step, and what to do.
    std::string line = psync::summary_line(l);
    std::string hint = advice(l);
    if (!hint.empty()) line += "; what to do: " + hint;
    psync::OutcomeKind kind = psync::kind_of(l);
    if (psync::is_failure(kind) || kind == psync::OutcomeKind::held)
      log::warn("psync: {}", line);
    else
      log::info("psync: {}", line);
  }
  log::info("psync cycle: {} links, {} failed, {} messages, {:.3f} s", tally.links(), tally.failed,
            tally.msgs, took.count());
}

}  // namespace

int run_psync(const Options& options, std::ostream& out, std::ostream& err,
              const std::atomic<bool>* stop, const Clock& clock, psync::CycleObserver* observer,
              const psync::SelfListener* self) {
  if (options.mail_root.empty()) {
    err << "psyncd: no MAIL_ROOT (use -Ms or the MAIL_ROOT environment variable)\n";
    return exit_code(ErrorKind::usage);
  }
  psync::PsyncService service(make_config(options, stop, clock, observer, self));
  if (options.mode == Mode::once) return run_once(service, out, err);
  spool::MailRoot root(options.mail_root);
  psync::CycleTimer timer(std::chrono::seconds(options.psync_interval));
  while (!stopping(stop)) {
    // The trigger is removed before the cycle, so one written during it starts another.
    bool triggered = psync::consume_trigger(root.psync_trigger());
    if (triggered || timer.due(clock.steady_now())) {
      run_cycle_logged(service, clock);
      timer.cycle_done(clock.steady_now());
      continue;
    }
    for (int i = 0; i < 5 && !stopping(stop); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  return 0;
}

}  // namespace psyncd::app
