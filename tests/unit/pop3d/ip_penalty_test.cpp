#include "pop3d/ip_penalty.hpp"

#include <catch2/catch.hpp>

using namespace psyncd::pop3d;
using namespace std::chrono_literals;

TEST_CASE("IpPenalty: each attempt is charged before the check, grows, capped, forgotten") {
  IpPenalty p(1000ms, 2500ms, 60s);
  const auto t0 = std::chrono::steady_clock::time_point(100s);
  CHECK(p.admit("10.0.0.1", t0).wait == 0ms);
  CHECK(p.admit("10.0.0.1", t0 + 1s).wait == 1000ms);
  CHECK(p.admit("10.0.0.1", t0 + 2s).wait == 2000ms);
  CHECK(p.admit("10.0.0.1", t0 + 3s).wait == 2500ms);  // capped
  CHECK(p.admit("10.0.0.2", t0 + 3s).wait == 0ms);     // other addresses unaffected
  CHECK(p.failures("10.0.0.1", t0 + 3s) == 4);
  CHECK(p.failures("10.0.0.1", t0 + 100s) == 0);
  CHECK(p.admit("10.0.0.1", t0 + 100s).wait == 0ms);  // window passed: starts afresh
}

TEST_CASE("IpPenalty: a right password takes its charge back; hanging up does not") {
  IpPenalty p(1000ms, 30000ms, 60s);
  const auto t0 = std::chrono::steady_clock::time_point(100s);
  (void)p.admit("10.0.0.1", t0);  // a guess whose client hung up before the answer
  (void)p.admit("10.0.0.1", t0);  // a login that succeeds
  p.refund("10.0.0.1");
  CHECK(p.failures("10.0.0.1", t0) == 1);
  CHECK(p.admit("10.0.0.1", t0).wait == 1000ms);
  p.refund("10.0.0.1");
  p.refund("10.0.0.1");
  CHECK(p.size() == 0);
  p.refund("10.0.0.9");  // nothing to take back
  CHECK(p.size() == 0);
}

TEST_CASE("IpPenalty: lockout after N failures within the window, until it passes") {
  IpPenalty p(0ms, 0ms, 60s, 3);
  const auto t0 = std::chrono::steady_clock::time_point(100s);
  for (int i = 0; i < 3; ++i)
    CHECK_FALSE(p.admit("10.0.0.1", t0 + std::chrono::seconds(i)).locked_out);
  CHECK(p.admit("10.0.0.1", t0 + 3s).locked_out);
  CHECK(p.admit("10.0.0.1", t0 + 61s).locked_out);  // attempts while locked do not extend it
  CHECK_FALSE(p.admit("10.0.0.2", t0 + 3s).locked_out);
  CHECK_FALSE(p.admit("10.0.0.1", t0 + 63s).locked_out);  // 60 s after the last failure
  IpPenalty off(0ms, 0ms, 60s, 0);
  for (int i = 0; i < 100; ++i) CHECK_FALSE(off.admit("10.0.0.1", t0).locked_out);
}

TEST_CASE("IpPenalty: memory stays bounded") {
  IpPenalty p(1000ms, 5000ms, 60s, 0, 100);
  const auto t0 = std::chrono::steady_clock::time_point(100s);
  for (int i = 0; i < 1000; ++i)
    (void)p.admit("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256), t0);
  CHECK(p.size() <= 100);
}
