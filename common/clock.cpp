#include "common/clock.hpp"

namespace psyncd {

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

}  // namespace psyncd
