// PsyncService: one PSYNC cycle over a MAIL_ROOT (docs/xmail-formats.md §9.1), as the daemon loop
// and `psyncd --once` run it: re-read server.tab, domains.tab, mailusers.tab and pop3links.tab
// (keeping the last good pop3links.tab when the file turns bad, link_table_keeper.hpp),
// skip disabled links (docs/xmail-formats.md §3.5), links delayed after failures
// (cycle_backoff.hpp) and self-polls (cycle_self_poll.hpp), sync the rest on the worker pool
// (cycle_scheduler.hpp) with the fetch engine, update the delays and write the -Yl log. The delays
// live in this object, so a daemon keeps them across cycles (delay_of() reads them). A
// CycleObserver hears each link start, progress and end as it happens. It does not sleep or watch
// the trigger (cycle_trigger.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/fs.hpp"
#include "common/result.hpp"
#include "psync/cycle_backoff.hpp"
#include "psync/cycle_self_poll.hpp"
#include "psync/fetch_connect.hpp"
#include "psync/fetch_engine.hpp"
#include "psync/link.hpp"
#include "psync/link_outcome.hpp"
#include "psync/link_table_keeper.hpp"
#include "psync/oauth_tokens.hpp"

namespace psyncd::spool {
class MailRoot;
class ServerConfig;
}  // namespace psyncd::spool

namespace psyncd::psync {

class CycleObserver;
struct CycleTables;

struct PsyncConfig {
  std::string mail_root;
  unsigned threads = 8;                 // -Yt
  std::chrono::seconds io_timeout{90};  // -YT
  bool log = false;                     // -Yl
  unsigned rotate_hours = 24;           // -Mr
  bool handoff = false;                 // --xmail-handoff
  bool mailbox_format = false;          // -Mm
  const SelfListener* self = nullptr;   // our bound POP3 ports (self-poll); null: none
  const Clock* clock = &system_clock();
  const std::atomic<bool>* stop = nullptr;
  TransportFactory connect;           // empty: libcurl
  bool trace = false;                 // --trace: log the POP3 sessions (libcurl only)
  TokenSource oauth;                  // empty: the OAuth= token files, refreshed with libcurl
  fs::FileSystem* fs = nullptr;       // empty: shared_group_sync_fs()
  CycleObserver* observer = nullptr;  // optional; must outlive run_cycle()
};

// Hears a cycle's links as they go. cycle_started comes first, from the thread in run_cycle(),
// with every link of pop3links.tab (the refused lines too, which end as LinkOutcome::invalid).
// link_started and link_progress come from the worker thread syncing that link, for several links
// at once; link_finished from that worker, or from the thread in run_cycle() for links that did not
// run (disabled, delayed, self-poll, stopped). `index` is the link's place in pop3links.tab order
// (CycleReport::links). Implementations must be thread-safe and quick (workers wait for them) and
// must not throw.
class CycleObserver {
 public:
  virtual ~CycleObserver() = default;
  virtual void cycle_started(const std::vector<Link>& links) = 0;
  virtual void link_started(size_t index, const Link& link) = 0;
  virtual void link_progress(size_t index, const Link& link, const FetchProgress& progress) = 0;
  virtual void link_finished(size_t index, const LinkReport& report) = 0;
  // After the last link_finished of a cycle that called cycle_started.
  virtual void cycle_finished() {}
  // Before cycle_started, every cycle: what is wrong with pop3links.tab (KeptTable::status in
  // link_table_keeper.hpp), "" when it is used and clean.
  virtual void links_table(const std::string& /*status*/) {}
};

struct CycleReport {
  std::vector<LinkReport> links;
  // Table problems, "file:line: ..." texts, when they differ from the last cycle's (a
  // service's first cycle has them all); a pop3links.tab not used comes first ("NOT USED: ").
  std::vector<std::string> problems;
  std::string links_status;  // KeptTable::status of this cycle
  // Every link that was due ran and succeeded, leaving no message it wanted on the server
  // (disabled links do not count).
  bool ok() const;
};

class PsyncService {
 public:
  explicit PsyncService(PsyncConfig config);
  // Fails only when a table psyncd cannot run without is unreadable.
  Result<CycleReport> run_cycle();
  // The link's failure delay now; thread-safe (may be called while a cycle runs).
  LinkDelay delay_of(const Link& link) const;

 private:
  // A link that runs this cycle: its place in CycleReport::links and its remote host (lower case).
  struct DueLink {
    size_t index;
    std::string host;
  };

  // The steps of run_cycle(), in order.
  void note_table(const CycleTables& t, CycleReport& report);
  void set_delay_bases(const spool::ServerConfig& server);
  FetchEnv fetch_env(const spool::MailRoot& root, const CycleTables& t) const;
  void sweep_leftovers(const spool::MailRoot& root, fs::FileSystem& files);
  std::vector<DueLink> triage(const spool::MailRoot& root, const CycleTables& t,
                              CycleReport& report);
  void sync_due(const spool::MailRoot& root, const CycleTables& t, const FetchEnv& env,
                const std::vector<DueLink>& due, CycleReport& report);

  bool held_back(const spool::MailRoot& root, const CycleTables& t, const std::string& host,
                 std::chrono::steady_clock::time_point now, LinkReport& lr);
  void sync_one(const spool::MailRoot& root, const CycleTables& t, const FetchEnv& env,
                const DueLink& due, LinkReport& lr);
  void record_result(const spool::MailRoot& root, const CycleTables& t, const std::string& host,
                     const LinkReport& lr);
  LinkDelay delay_locked(const Link& link) const;
  void finish(size_t index, LinkReport& report);

  PsyncConfig config_;
  // When the link temp directories were last swept (cycle_stale_temps.hpp); empty: not yet.
  std::optional<std::chrono::steady_clock::time_point> last_sweep_;
  // TLS sessions and CAs kept from one cycle to the next (psync/fetch_connect.hpp).
  SharedTls shared_tls_;
  LinkTableKeeper links_keeper_;            // the last good pop3links.tab
  std::vector<std::string> last_problems_;  // reported by the last cycle
  mutable std::mutex mutex_;                // guards the two Backoffs
  Backoff host_delay_;
  Backoff account_delay_;
};

}  // namespace psyncd::psync
