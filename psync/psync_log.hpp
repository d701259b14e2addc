// The XMail PSYNC log (-Yl): MAIL_ROOT/logs/psync-YYYYMMDDhhmm, written by
// common/xmail_log.hpp (naming, rotation, quoting, file mode); one line per session: time,
// local-domain, local-account, rmt-domain, rmt-name, authtype, SYNC=OK|EFAIL|ENOUSER, msgs
// synced, bytes synced, msgs not synced, bytes not synced (XMail's PSYNCLogSession).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/result.hpp"
#include "psync/link.hpp"
#include "psync/link_outcome.hpp"

namespace psyncd::psync {

struct PsyncLogEntry {
  std::string local_domain;
  std::string local_account;
  std::string remote_domain;
  std::string remote_user;
  std::string authtype;
  std::string status;  // "SYNC=OK", "SYNC=EFAIL", "SYNC=ENOUSER"
  std::uint64_t msgs = 0;
  std::uint64_t bytes = 0;
  std::uint64_t msgs_not = 0;
  std::uint64_t bytes_not = 0;
};

// The log line of one link's session; `authtype` is field 6 as written in pop3links.tab.
PsyncLogEntry psync_log_entry(const Link& link, const std::string& authtype, const LinkResult& r);

std::string format_psync_line(std::chrono::system_clock::time_point when,
                              const PsyncLogEntry& entry);
Result<void> append_psync_log(const std::string& logs_dir,
                              std::chrono::system_clock::time_point when, unsigned rotate_hours,
                              const PsyncLogEntry& entry);

}  // namespace psyncd::psync
