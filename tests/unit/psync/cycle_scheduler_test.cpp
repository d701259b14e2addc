// The scheduler's parts, with the injected clock and no sleeps: the worker pool (file order,
// -Yt, per-host cap, stop flag), failed host/account backoff (doubling, cap, reset), the -Yi
// timer and .psync-trigger, self-poll account matching, and the -Yl log line and file name.
#include "psync/cycle_scheduler.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "psync/cycle_backoff.hpp"
#include "psync/cycle_self_poll.hpp"
#include "psync/cycle_trigger.hpp"
#include "psync/psync_log.hpp"
#include "tabfile/tab_reader.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace std::chrono_literals;
using psyncd::psync::Backoff;
using psyncd::psync::CycleTimer;
using psyncd::psync::PoolLimits;
using psyncd::psync::run_pool;

namespace {

using TP = std::chrono::steady_clock::time_point;
TP at(int seconds) { return TP{} + std::chrono::seconds(seconds); }

// Runs a pool whose jobs record the peak number of concurrent jobs, overall and per host.
struct PeakProbe {
  std::mutex m;
  int running = 0, peak = 0;
  std::map<std::string, int> host_running, host_peak;
  std::vector<size_t> order;

  void job(const std::vector<std::string>& hosts, size_t i) {
    {
      std::lock_guard l(m);
      order.push_back(i);
      peak = std::max(peak, ++running);
      auto& h = host_running[hosts[i]];
      host_peak[hosts[i]] = std::max(host_peak[hosts[i]], ++h);
    }
    std::this_thread::sleep_for(5ms);  // overlap the jobs; no assert depends on timing
    std::lock_guard l(m);
    --running;
    --host_running[hosts[i]];
  }
};

}  // namespace

TEST_CASE("pool: every job runs once; -Yt and per-host caps hold", "[psync][scheduler]") {
  std::vector<std::string> hosts = {"a", "a", "a", "a", "b", "b", "c", "a", "b", "c"};
  PeakProbe probe;
  PoolLimits limits{3, 2};
  auto ran = run_pool(hosts, limits, [&](size_t i) { probe.job(hosts, i); });
  CHECK(ran == std::vector<bool>(hosts.size(), true));
  std::vector<size_t> sorted = probe.order;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == std::vector<size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(probe.peak <= 3);
  CHECK(probe.host_peak["a"] <= 2);
  CHECK(probe.host_peak["b"] <= 2);
}

TEST_CASE("pool: one thread runs the links in file order", "[psync][scheduler]") {
  std::vector<std::string> hosts = {"x", "y", "x", "z"};
  std::vector<size_t> order;
  run_pool(hosts, PoolLimits{1, 1}, [&](size_t i) { order.push_back(i); });
  CHECK(order == std::vector<size_t>{0, 1, 2, 3});
}

TEST_CASE("pool: the stop flag starts no further job", "[psync][scheduler]") {
  std::vector<std::string> hosts(5, "h");
  std::atomic<bool> stop{false};
  int count = 0;
  auto ran = run_pool(
      hosts, PoolLimits{1, 1},
      [&](size_t) {
        ++count;
        stop = true;
      },
      &stop);
  CHECK(count == 1);
  CHECK(ran == std::vector<bool>{true, false, false, false, false});
}

TEST_CASE("backoff: delay doubles up to the cap and a success clears it", "[psync][scheduler]") {
  Backoff b(60s);
  CHECK(b.allowed("h", at(0)));
  b.failure("h", at(0));
  CHECK_FALSE(b.allowed("h", at(59)));
  CHECK(b.allowed("h", at(60)));
  b.failure("h", at(60));  // 120 s now
  CHECK(*b.retry_at("h") == at(180));
  b.failure("h", at(180));  // 240 s
  CHECK(*b.retry_at("h") == at(420));
  for (int i = 0; i < 20; ++i) b.failure("h", at(1000));
  CHECK(*b.retry_at("h") == at(1000) + b.cap());
  CHECK(b.cap() == 3840s);  // 64 x 60 s
  CHECK(b.allowed("other", at(1000)));
  b.success("h");
  CHECK(b.allowed("h", at(1000)));
  CHECK_FALSE(b.retry_at("h").has_value());
}

TEST_CASE("backoff: a zero base turns delays off; the cap is at most a day", "[psync][scheduler]") {
  Backoff off(0s);
  off.failure("h", at(0));
  CHECK(off.allowed("h", at(0)));
  Backoff big(3600s);
  CHECK(big.cap() == 86400s);
}

TEST_CASE("cycle timer: first cycle at start-up, then every interval after the last",
          "[psync][scheduler]") {
  CycleTimer t(120s);
  CHECK(t.due(at(0)));
  t.cycle_done(at(30));
  CHECK_FALSE(t.due(at(149)));
  CHECK(t.due(at(150)));
  CycleTimer trigger_only(0s);
  CHECK(trigger_only.due(at(0)));
  trigger_only.cycle_done(at(0));
  CHECK_FALSE(trigger_only.due(at(100000)));
}

TEST_CASE("trigger file is consumed once", "[psync][scheduler]") {
  psyncd::test::TempDir dir;
  std::string path = dir / ".psync-trigger";
  CHECK_FALSE(psyncd::psync::consume_trigger(path));
  dir.write(".psync-trigger", "anything");
  CHECK(psyncd::psync::consume_trigger(path));
  CHECK_FALSE(psyncd::psync::consume_trigger(path));
}

TEST_CASE("self-poll: remote user names one of our accounts", "[psync][scheduler]") {
  auto users = psyncd::spool::MailUsers::from_table(
      psyncd::tabfile::parse("\"ex.test\"\t\"joe\"\t\"\"\t1\t\"joe\"\t\"U\"\n", "mailusers.tab"));
  auto domains = psyncd::spool::Domains::from_tables(
      psyncd::tabfile::parse("\"ex.test\"\n", "domains.tab"), nullptr);
  struct Case {
    const char* user;
    bool want;
  };
  for (auto c : {Case{"joe@ex.test", true}, Case{"JOE%ex.test", true}, Case{"joe", true},
                 Case{"ann@ex.test", false}, Case{"joe@other.test", false}}) {
    INFO(c.user);
    CHECK(psyncd::psync::names_own_account(c.user, users, domains) == c.want);
  }
  CHECK(psyncd::psync::resolves_to_local_address("127.0.0.1"));
  CHECK_FALSE(psyncd::psync::resolves_to_local_address("192.0.2.1"));  // TEST-NET-1
}

TEST_CASE("psync log: XMail line format and rotation name", "[psync][scheduler]") {
  setenv("TZ", "UTC", 1);
  tzset();
  auto when = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  psyncd::psync::PsyncLogEntry e{"ex.test", "joe", "pop.x:995", "j", "POP3S,Leave",
                                 "SYNC=OK", 3,     4096,        1,   10};
  CHECK(psyncd::psync::format_psync_line(when, e) ==
        "\"2023-11-14 22:13:20\"\t\"ex.test\"\t\"joe\"\t\"pop.x:995\"\t\"j\"\t"
        "\"POP3S,Leave\"\t\"SYNC=OK\"\t\"3\"\t\"4096\"\t\"1\"\t\"10\"\n");
  psyncd::test::TempDir dir;
  REQUIRE(psyncd::psync::append_psync_log(dir.path(), when, 24, e).ok());
  REQUIRE(psyncd::psync::append_psync_log(dir.path(), when, 6, e).ok());
  CHECK(dir.read("psync-202311140000") == format_psync_line(when, e));
  CHECK(dir.read("psync-202311141800") == format_psync_line(when, e));
}
