// StatusRecorder: the daemon's CycleObserver that keeps MAIL_ROOT/psyncd/status.tab
// (link_status.hpp) from the typed result of every link, rewritten atomically (temp file +
// rename, so --status never reads half a file) by a writer thread of its own: a link end only
// marks the book changed, and the writer rewrites the file at once, then at most once per
// `spacing` however many links end meanwhile, and at once again when the cycle ends (with a
// thousand links, rewriting the whole file at every link end would write O(links^2) bytes a cycle
// and hold up the PSYNC workers, which wait for the observer). It skips fsync: the file is
// advisory. After a power loss it may be stale, never torn. The destructor writes what is left.
// Links removed from pop3links.tab leave the file at the next cycle's start. Thread-safe (link ends
// come from the worker threads). It ignores link starts and progress.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "app/link_status.hpp"
#include "psync/psync_service.hpp"

namespace psyncd::app {

class StatusRecorder final : public psync::CycleObserver {
 public:
  // Loads the existing status file (its totals carry on); interval: -Yi seconds.
  StatusRecorder(const std::string& mail_root, unsigned interval,
                 std::chrono::milliseconds spacing = std::chrono::seconds(1));
  ~StatusRecorder() override;
  StatusRecorder(const StatusRecorder&) = delete;
  StatusRecorder& operator=(const StatusRecorder&) = delete;
  void cycle_started(const std::vector<psync::Link>& links) override;
  // What is wrong with pop3links.tab: its own line in the status file.
  void links_table(const std::string& status) override;
  void link_started(size_t, const psync::Link&) override {}
  void link_progress(size_t, const psync::Link&, const psync::FetchProgress&) override {}
  void link_finished(size_t index, const psync::LinkReport& report) override;
  // The cycle is over: the writer writes at once, without waiting out the spacing.
  void cycle_finished() override;
  // Returns once the file holds everything recorded before the call (for tests).
  void flush();
  // How many times the file has been written (for tests).
  std::uint64_t writes() const;

 private:
  void changed();  // with mutex_ held
  void write_loop();
  void save(const std::string& text);

  std::string path_;
  StatusBook book_;
  const std::chrono::milliseconds spacing_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;     // the writer: a change, or stop
  std::condition_variable written_;  // flush(): the writer caught up
  std::uint64_t changes_ = 0;        // bumped by every change to book_
  std::uint64_t saved_ = 0;          // the changes_ the file holds
  std::uint64_t writes_ = 0;
  bool stopping_ = false;
  bool urgent_ = false;  // cycle_finished(): skip the spacing
  bool warned_ = false;  // writer thread only
  std::thread writer_;   // last: started once everything else is set up
};

}  // namespace psyncd::app
