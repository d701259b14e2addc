// Unique message file names in XMail's scheme (docs/xmail-formats.md §5.3):
//   <ms-time>.<thread-id hex>.<pid hex>.<seq hex>.<hostname>
// used for temp files, Maildir/mailbox files and hand-off drop files. It only makes names;
// it creates no file. The sequence counter is per process and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.hpp"

namespace psyncd::spool {

// A name for "now" from `clock`, with this thread's id, this process's id and the next value
// of the process-wide sequence counter.
std::string unique_name(const Clock& clock = system_clock());

// The same from explicit parts (tests, golden files). `host` is sanitised: '/', ':' and ','
// (Maildir and size-suffix separators) become '_'; an empty host becomes "localhost".
std::string format_unique_name(long long ms_time, unsigned long tid, unsigned long pid,
                               unsigned long seq, std::string_view host);

// gethostname(), sanitised as above; computed once.
const std::string& local_host_name();

}  // namespace psyncd::spool
