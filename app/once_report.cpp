#include "app/once_report.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <mutex>
#include <optional>
#include <sstream>
#include <vector>

#include "app/advice.hpp"
#include "app/once_progress.hpp"
#include "app/psync_runner.hpp"
#include "common/log.hpp"

namespace psyncd::app {

namespace {

unsigned terminal_width() {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

// Keeps each link's report as it ends, for printing in pop3links.tab order at the end.
class Collected final : public psync::CycleObserver {
 public:
  void cycle_started(const std::vector<psync::Link>& links) override {
    std::lock_guard lock(mutex_);
    reports_.assign(links.size(), std::nullopt);
  }
  void link_started(size_t, const psync::Link&) override {}
  void link_progress(size_t, const psync::Link&, const psync::FetchProgress&) override {}
  void link_finished(size_t index, const psync::LinkReport& report) override {
    std::lock_guard lock(mutex_);
    if (index < reports_.size()) reports_[index] = report;
  }
  std::string text() const {
    std::lock_guard lock(mutex_);
    OnceTally tally;
    std::string out;
    for (const auto& r : reports_)
      if (r) out += tally.add(*r);
    return out + tally.totals_line();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::optional<psync::LinkReport>> reports_;
};

}  // namespace

std::string OnceTally::add(const psync::LinkReport& report) {
  tally_.count(report);
  std::string out = psync::summary_line(report) + "\n";
  if (auto hint = advice(report); !hint.empty()) out += "    what to do: " + hint + "\n";
  return out;
}

std::string OnceTally::totals_line() const {
  return fmt::format(
      "psyncd --once: {} links: {} ok, {} held, {} failed, {} not run; {} msgs {} bytes\n",
      tally_.links(), tally_.ok, tally_.held, tally_.failed, tally_.not_run, tally_.msgs,
      tally_.bytes);
}

int run_once_report(const Options& options, std::ostream& out, std::ostream& err, bool live) {
  std::ostringstream lines;
  if (!live) {
    Collected collected;
    int rc = run_psync(options, lines, err, nullptr, system_clock(), &collected);
    out << collected.text();
    out.flush();
    return rc;
  }
  LiveProgress progress(out, system_clock(), terminal_width());
  // Log lines (stderr, the same terminal) clear the live line first and redraw it after.
  log::Sink previous = log::set_sink([&progress, &err](log::Level level, std::string_view m) {
    progress.interrupt(err, fmt::format("psyncd: {}: {}\n", log::level_name(level), m));
  });
  int rc = run_psync(options, lines, err, nullptr, system_clock(), &progress);
  log::set_sink(std::move(previous));
  progress.done();
  return rc;
}

}  // namespace psyncd::app
