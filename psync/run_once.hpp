// PsyncService: one PSYNC cycle over a MAIL_ROOT (B §4.2), as the daemon loop and
// `psyncd --once` run it: re-read server.tab, domains.tab, mailusers.tab and pop3links.tab,
// skip disabled links (B §2.5), links delayed after failures (backoff.hpp) and self-polls
// (scheduler_self_poll.hpp), sync the rest on the worker pool (scheduler.hpp) with the fetch
// engine, update the delays and write the -Yl log. The delays live in this object, so a
// daemon keeps them across cycles. It does not sleep or watch the trigger (trigger.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/fs.hpp"
#include "common/result.hpp"
#include "psync/backoff.hpp"
#include "psync/fetch_connect.hpp"
#include "psync/fetch_engine.hpp"
#include "psync/link.hpp"
#include "psync/scheduler_self_poll.hpp"

namespace psyncd::psync {

struct PsyncConfig {
  std::string mail_root;
  unsigned threads = 8;                     // -Yt
  std::chrono::seconds io_timeout{90};      // -YT
  bool log = false;                         // -Yl
  unsigned rotate_hours = 24;               // -Mr
  bool handoff = false;                     // --xmail-handoff
  bool mailbox_format = false;              // -Mm
  SelfListener self;                        // our POP3 listener ports (self-poll refusal)
  const Clock* clock = &system_clock();
  const std::atomic<bool>* stop = nullptr;
  TransportFactory connect;                 // empty: libcurl
  fs::FileSystem* fs = nullptr;             // empty: shared_group_sync_fs()
};

enum class LinkOutcome { ran, skipped_lock, disabled, delayed, self_poll };

struct LinkReport {
  Link link;
  LinkOutcome outcome = LinkOutcome::ran;
  LinkResult result;
  std::string note;  // why it did not run
};

struct CycleReport {
  std::vector<LinkReport> links;
  std::vector<std::string> problems;  // table problems, "file:line: ..." texts
  // Every link that was due ran and succeeded (disabled links do not count).
  bool ok() const;
};

// "joe@pop.example.com:110 -> joe@ex.test: ok: 3 msgs ..." for --once.
std::string summary_line(const LinkReport& report);

class PsyncService {
 public:
  explicit PsyncService(PsyncConfig config);
  // Fails only when a table psyncd cannot run without is unreadable.
  Result<CycleReport> run_cycle();

 private:
  PsyncConfig config_;
  Backoff host_delay_;
  Backoff account_delay_;
};

}  // namespace psyncd::psync
