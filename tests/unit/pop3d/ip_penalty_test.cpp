#include "pop3d/ip_penalty.hpp"

#include <catch2/catch.hpp>

using namespace psyncd::pop3d;
using namespace std::chrono_literals;

TEST_CASE("IpPenalty: grows per failure from one address, capped, forgotten after the window") {
  IpPenalty p(1000ms, 2500ms, 60s);
  const auto t0 = std::chrono::steady_clock::time_point(100s);
  CHECK(p.failed("10.0.0.1", t0) == 0ms);
  CHECK(p.failed("10.0.0.1", t0 + 1s) == 1000ms);
  CHECK(p.failed("10.0.0.1", t0 + 2s) == 2000ms);
  CHECK(p.failed("10.0.0.1", t0 + 3s) == 2500ms);  // capped
  CHECK(p.failed("10.0.0.2", t0 + 3s) == 0ms);     // other addresses unaffected
  CHECK(p.failures("10.0.0.1", t0 + 3s) == 4);
  CHECK(p.failures("10.0.0.1", t0 + 100s) == 0);
  CHECK(p.failed("10.0.0.1", t0 + 100s) == 0ms);  // window passed: starts afresh
}

TEST_CASE("IpPenalty: memory stays bounded") {
  IpPenalty p(1000ms, 5000ms, 60s, 100);
  const auto t0 = std::chrono::steady_clock::time_point(100s);
  for (int i = 0; i < 1000; ++i)
    (void)p.failed("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256), t0);
  CHECK(p.size() <= 100);
}
