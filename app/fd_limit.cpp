#include "app/fd_limit.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace psyncd::app {

void raise_fd_limit() {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return;
  const rlim_t wanted = r.rlim_max == RLIM_INFINITY
                            ? static_cast<rlim_t>(kWantedFds)
                            : std::min(r.rlim_max, static_cast<rlim_t>(kWantedFds));
  if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur < wanted) {
    r.rlim_cur = wanted;
    (void)::setrlimit(RLIMIT_NOFILE, &r);
  }
}

}  // namespace psyncd::app
