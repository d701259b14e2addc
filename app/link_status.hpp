// Link status for `psyncd --status`: the daemon records each link's typed result
// (psync::LinkReport, handed over by the PsyncService's CycleObserver at every link end) into a
// StatusBook and keeps it in MAIL_ROOT/psyncd/status.tab (written atomically); --status reads
// that file and prints one line per link: last result and time, messages and bytes (last run
// and total), next poll (the later of the next cycle and the end of the failure delay) and the
// current failure delay, and what to do (app/advice.hpp, from the typed outcome the file keeps
// beside the result's text). It does not run links or know the delays itself: the report says.
// What is wrong with pop3links.tab itself (psync/link_table_keeper.hpp) is one more record,
// named kLinksTableEntry, printed first.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/advice.hpp"
#include "common/result.hpp"
#include "psync/psync_service.hpp"

namespace psyncd::app {

struct LinkStatus {
  std::string link;    // "user@remote -> account@domain"
  std::string result;  // "ok", "FAIL (auth): reason", "disabled", "skipped (locked): ..."
  int64_t time = 0;    // Unix time of the last result
  uint64_t msgs = 0;   // fetched by the last run
  uint64_t bytes = 0;
  uint64_t total_msgs = 0;  // since the status file was started
  uint64_t total_bytes = 0;
  uint64_t failures = 0;    // failed runs in a row
  int64_t next_poll = 0;    // Unix time; 0 = only on .psync-trigger (-Yi 0)
  int64_t delay = 0;        // current failure delay in seconds; 0 = none
  int64_t delay_until = 0;  // Unix time the failure delay ends
  // The typed outcome behind `result` (psync/link_outcome.hpp), so --status gives the same
  // advice as --once; files of earlier versions have none (typed false).
  bool typed = false;
  AdviceKey outcome;
  std::string reply;  // the server's own words in a failure, kept apart; "" when none
};

// The status.tab record about pop3links.tab itself; no link label looks like it (" -> ").
inline constexpr const char* kLinksTableEntry = "pop3links.tab";

class StatusBook {
 public:
  // interval: -Yi seconds (0 = trigger only).
  explicit StatusBook(unsigned interval) : interval_(interval) {}
  // Records one link's result of a cycle, seen at `now` (Unix time).
  void record(const psync::LinkReport& report, int64_t now);
  void load(const std::vector<LinkStatus>& entries);
  // Forgets the links not in `links` (removed from pop3links.tab); false when none was dropped.
  bool retain(const std::vector<psync::Link>& links);
  // What is wrong with pop3links.tab ("" = nothing), seen at `now`; false when unchanged.
  bool set_links_table(const std::string& status, int64_t now);
  // The pop3links.tab record first (when something is wrong), then the links in the order of
  // the last retain() (pop3links.tab's, refused lines included), then any others.
  std::vector<LinkStatus> entries() const;

 private:
  unsigned interval_;
  std::map<std::string, LinkStatus> links_;
  LinkStatus table_;                      // kLinksTableEntry; result "" = nothing wrong
  std::vector<std::string> order_;        // first seen first
  std::vector<std::string> table_order_;  // the last retain()'s links: pop3links.tab order
};

std::string status_path(const std::string& mail_root);
std::string format_status_table(const std::vector<LinkStatus>& entries);
// Parses what format_status_table wrote, and the files of earlier versions: 9 fields (no delay
// columns) and 11 (no outcome columns); bad lines are errors naming file, line and field.
Result<std::vector<LinkStatus>> parse_status_table(std::string_view text, const std::string& path);
// One human line for --status, ending in "; what to do: ..." when the outcome has advice.
std::string status_line(const LinkStatus& s, int64_t now);

}  // namespace psyncd::app
