// Live progress for `psyncd --once` on a terminal: a CycleObserver that keeps one status line
// ("[2/5] joe@pop.example.com:110 -> joe@ex.test: retrieve: 120 msgs, 480 KB": links ended out
// of the cycle's links, then the link that moved last), redrawn in place
// with \r at most every `every` (default 100 ms), and prints each link's summary line (with
// its "what to do" hint) for good as the link ends; done() ends with the totals line. Called
// from the PSYNC worker threads: one mutex guards the output. Not for pipes or logs (no \r).
// While it runs, log lines go through interrupt() (run_once_report installs the log sink).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <ostream>
#include <string>

#include "app/once_report.hpp"
#include "common/clock.hpp"
#include "psync/psync_service.hpp"

namespace psyncd::app {

// "1 msg, 512 bytes" / "120 msgs, 480 KB" / "3 msgs, 12.5 MB".
std::string format_amount(uint64_t msgs, uint64_t bytes);

// "<label>: <step>: <amount>".
std::string progress_line(const std::string& label, const psync::FetchProgress& progress);

class LiveProgress final : public psync::CycleObserver {
 public:
  // width: the terminal's columns; the live line is cut to fit so \r can overwrite it.
  LiveProgress(std::ostream& out, const Clock& clock, unsigned width,
               std::chrono::milliseconds every = std::chrono::milliseconds(100));

  void cycle_started(const std::vector<psync::Link>& links) override;
  void link_started(size_t index, const psync::Link& link) override;
  void link_progress(size_t index, const psync::Link& link,
                     const psync::FetchProgress& progress) override;
  void link_finished(size_t index, const psync::LinkReport& report) override;
  // Clears the live line and prints the totals.
  void done();
  // A log line while the live line may be on screen: clears it, writes `line` (with its
  // newline) to `err`, then draws the live line again, so the two never share a line.
  void interrupt(std::ostream& err, std::string_view line);

 private:
  void update(size_t index, std::string line);
  void draw(size_t index);
  void clear();

  std::ostream& out_;
  const Clock& clock_;
  unsigned width_;
  std::chrono::milliseconds every_;
  std::mutex mutex_;
  std::map<size_t, std::string> running_;  // index -> its progress line
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;  // a live line is on screen
  size_t total_ = 0;    // links in the cycle (0: not told)
  size_t ended_ = 0;
  OnceTally tally_;
};

}  // namespace psyncd::app
