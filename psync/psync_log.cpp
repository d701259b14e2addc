#include "psync/psync_log.hpp"

#include "common/xmail_log.hpp"

namespace psyncd::psync {

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
