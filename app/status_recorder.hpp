// StatusRecorder: the daemon's CycleObserver that keeps MAIL_ROOT/psyncd/status.tab
// (link_status.hpp) from the typed result of every link, rewritten atomically (temp file +
// rename, so --status never reads half a file) each time a link's run ends. It skips fsync:
// the file is advisory, and two fsyncs per link end (about 9 ms here) would hold up the PSYNC
// workers, which wait for the observer. After a power loss it may be stale, never torn.
// Links removed from pop3links.tab leave the file at the next cycle's start. Thread-safe (link
// ends come from the worker threads). It ignores link starts and progress.
#pragma once

#include <mutex>
#include <string>

#include "app/link_status.hpp"
#include "psync/run_once.hpp"

namespace psyncd::app {

class StatusRecorder final : public psync::CycleObserver {
 public:
  // Loads the existing status file (its totals carry on); interval: -Yi seconds.
  StatusRecorder(const std::string& mail_root, unsigned interval);
  void cycle_started(const std::vector<psync::Link>& links) override;
  void link_started(size_t, const psync::Link&) override {}
  void link_progress(size_t, const psync::Link&, const psync::FetchProgress&) override {}
  void link_finished(size_t index, const psync::LinkReport& report) override;

 private:
  void save();  // with mutex_ held

  std::string path_;
  StatusBook book_;
  std::mutex mutex_;
  bool warned_ = false;
};

}  // namespace psyncd::app
