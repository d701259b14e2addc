// Link status for `psyncd --status`: the daemon records each PSYNC summary line (the text
// run_psync logs per link and cycle, psync::summary_line) into a StatusBook and keeps it in
// MAIL_ROOT/psyncd/status.tab (written atomically); --status reads that file and prints one
// line per link. What it cannot know: the scheduler does not expose its backoff retry times,
// so a failing link shows its failures in a row and "after backoff" instead of a time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::app {

struct LinkStatus {
  std::string link;         // "user@remote -> account@domain"
  std::string result;       // "ok", "FAIL: reason", "disabled", "skipped: ..."
  int64_t time = 0;         // Unix time of the last result
  uint64_t msgs = 0;        // fetched by the last run
  uint64_t bytes = 0;
  uint64_t total_msgs = 0;  // since the status file was started
  uint64_t total_bytes = 0;
  uint64_t failures = 0;    // failed runs in a row
  int64_t next_poll = 0;    // Unix time; 0 = only on .psync-trigger (-Yi 0)
};

// Splits one summary line ("who: outcome ...") into who and outcome; nullopt if it is none.
std::optional<std::pair<std::string, std::string>> split_summary(std::string_view line);

class StatusBook {
 public:
  // interval: -Yi seconds (0 = trigger only).
  explicit StatusBook(unsigned interval) : interval_(interval) {}
  // Records one summary line seen at `now`; false when the line is not a summary.
  bool record(std::string_view summary, int64_t now);
  void load(const std::vector<LinkStatus>& entries);
  std::vector<LinkStatus> entries() const;

 private:
  unsigned interval_;
  std::map<std::string, LinkStatus> links_;
  std::vector<std::string> order_;
};

std::string status_path(const std::string& mail_root);
std::string format_status_table(const std::vector<LinkStatus>& entries);
// Parses what format_status_table wrote; bad lines are errors naming file and line.
Result<std::vector<LinkStatus>> parse_status_table(std::string_view text, const std::string& path);
// One human line for --status.
std::string status_line(const LinkStatus& s, int64_t now);

}  // namespace psyncd::app
