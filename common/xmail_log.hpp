// XMail's log files (-Pl POP3 log, -Yl PSYNC log), written the way XMail's MscFileLog writes
// them: MAIL_ROOT/logs/<kind>-YYYYMMDDhhmm, the stamp being the local start of the -Mr window
// (MscLogFilePath: local time floored to a multiple of rotate_hours hours since the epoch, so
// a window that divides 24 starts at local midnight); one line per record, every field in
// double quotes, TAB-separated, LF-ended; each line appended by opening the file (mode 0666
// less the process umask, as fopen(3) creates it), one write(2), close. Appends are serialised
// in-process. It knows nothing of what the fields mean (pop3d/pop3_log.hpp, psync/psync_log.hpp).
#pragma once

#include <chrono>
#include <initializer_list>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace psyncd::xmail_log {

// "<kind>-YYYYMMDDhhmm" for the rotation window holding `when`; rotate_hours 0 counts as 24.
std::string file_name(std::string_view kind, std::chrono::system_clock::time_point when,
                      unsigned rotate_hours);

// "YYYY-MM-DD hh:mm:ss" in local time (MscGetTimeNbrString).
std::string local_time(std::chrono::system_clock::time_point when);

// "\"a\"\t\"b\"\n". XMail writes fields as they are; here a double quote or a control byte
// (CR, LF, TAB, DEL, ...) in a field becomes '_', and a field is cut at 1024 bytes, so that a
// client-given name can neither break a line in two nor shift the fields.
std::string format_line(std::initializer_list<std::string_view> fields);

// Appends `line` to logs_dir/file_name(kind, when, rotate_hours).
Result<void> append(const std::string& logs_dir, std::string_view kind,
                    std::chrono::system_clock::time_point when, unsigned rotate_hours,
                    std::string_view line);

}  // namespace psyncd::xmail_log
