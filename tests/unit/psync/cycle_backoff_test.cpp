// Backoff::delay(): the current delay length of a key, as --status shows it.
#include "psync/cycle_backoff.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono_literals;
using psyncd::psync::Backoff;

TEST_CASE("backoff: delay() is the current delay length", "[psync][backoff]") {
  Backoff b(60s);
  auto t0 = std::chrono::steady_clock::time_point{};
  CHECK_FALSE(b.delay("h").has_value());
  b.failure("h", t0);
  CHECK(*b.delay("h") == 60s);
  b.failure("h", t0 + 60s);
  CHECK(*b.delay("h") == 120s);
  b.success("h");
  CHECK_FALSE(b.delay("h").has_value());
}
