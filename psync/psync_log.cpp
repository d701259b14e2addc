#include "psync/psync_log.hpp"

#include "common/xmail_log.hpp"

namespace psyncd::psync {

PsyncLogEntry psync_log_entry(const Link& link, const std::string& authtype, const LinkResult& r) {
  PsyncLogEntry e;
  e.local_domain = link.local_domain;
  e.local_account = link.local_account;
  e.remote_domain = link.remote_spec;
  e.remote_user = link.remote_user;
  e.authtype = authtype;
  e.status = r.ok ? "SYNC=OK" : "SYNC=EFAIL";
  e.msgs = r.messages;
  e.bytes = r.bytes;
  e.msgs_not = r.not_synced;
  e.bytes_not = r.not_synced_bytes;
  return e;
}

std::string format_psync_line(std::chrono::system_clock::time_point when, const PsyncLogEntry& e) {
  return xmail_log::format_line({xmail_log::local_time(when), e.local_domain, e.local_account,
                                 e.remote_domain, e.remote_user, e.authtype, e.status,
                                 std::to_string(e.msgs), std::to_string(e.bytes),
                                 std::to_string(e.msgs_not), std::to_string(e.bytes_not)});
}

Result<void> append_psync_log(const std::string& logs_dir,
                              std::chrono::system_clock::time_point when, unsigned rotate_hours,
                              const PsyncLogEntry& entry) {
  return xmail_log::append(logs_dir, "psync", when, rotate_hours, format_psync_line(when, entry));
}

}  // namespace psyncd::psync
