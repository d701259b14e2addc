#include "app/fd_limit.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <catch2/catch.hpp>

TEST_CASE("raise_fd_limit: the soft descriptor limit goes up to the hard one, at most 65536") {
  rlimit before{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &before) == 0);
  // Start low, as systemd and most shells do, so the call has something to raise.
  rlimit low = before;
  low.rlim_cur = std::min<rlim_t>(before.rlim_cur, 256);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
  psyncd::app::raise_fd_limit();
  rlimit after{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &after) == 0);
  const rlim_t want = before.rlim_max == RLIM_INFINITY
                          ? rlim_t{psyncd::app::kWantedFds}
                          : std::min<rlim_t>(before.rlim_max, psyncd::app::kWantedFds);
  CHECK(after.rlim_cur == want);
  CHECK(after.rlim_max == before.rlim_max);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &before) == 0);
}
