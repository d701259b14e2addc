// User + system CPU of this process so far: a bench's own cost, without the time it spends
// waiting for the disk.
#pragma once

#include <sys/resource.h>

namespace psyncd::bench {

inline double process_cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(ru.ru_utime) + seconds(ru.ru_stime);
}

}  // namespace psyncd::bench
