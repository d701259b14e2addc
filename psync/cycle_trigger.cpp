#include "psync/cycle_trigger.hpp"

#include <unistd.h>

namespace psyncd::psync {

bool consume_trigger(const std::string& path) { return ::unlink(path.c_str()) == 0; }

bool CycleTimer::due(TimePoint now) const {
  if (!last_end_) return true;
  if (interval_.count() == 0) return false;
  return now - *last_end_ >= interval_;
}

}  // namespace psyncd::psync
