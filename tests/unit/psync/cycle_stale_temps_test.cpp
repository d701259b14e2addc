// Link temp sweeping (psync/cycle_stale_temps.hpp): files older than 36 hours in any directory
// under MAIL_ROOT/tmp go, fresher ones and anything outside those directories stay; PsyncService
// sweeps at its first cycle and then once a day, not at every cycle, and removes dead
// processes' link-lock side files at every cycle.
#include "psync/cycle_stale_temps.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "common/log.hpp"
#include "psync/psync_service.hpp"
#include "tests/support/psync/psync_fetch_fixture.hpp"

using namespace psyncd;  // NOLINT: test code
using namespace std::chrono_literals;

namespace {

// Writes `rel` under the fixture's MAIL_ROOT with an mtime `age` before the fixture's clock.
void write_aged(test::FetchFixture& f, const std::string& rel, std::chrono::seconds age) {
  f.dir.write(rel, "partial message\r\n");
  auto when = std::chrono::system_clock::to_time_t(f.clock.now() - age);
  struct timespec times[2] = {{when, 0}, {when, 0}};
  REQUIRE(::utimensat(AT_FDCWD, (f.dir.path() + "/" + rel).c_str(), times, 0) == 0);
}

bool exists(test::FetchFixture& f, const std::string& rel) {
  return fs::exists(f.dir.path() + "/" + rel);
}

struct QuietLog {
  log::Level saved = log::min_level();
  QuietLog() { log::set_min_level(log::Level::error); }
  ~QuietLog() { log::set_min_level(saved); }
};

}  // namespace

TEST_CASE("stale temps: only files older than 36 h in link temp directories are removed") {
  QuietLog quiet;
  test::FetchFixture f;
  write_aged(f, "tmp/joe@pop.a.test/old", 37h);
  write_aged(f, "tmp/joe@pop.a.test/fresh", 35h);
  write_aged(f, "tmp/gone@pop.b.test/old", 100h);  // a link no longer in pop3links.tab
  write_aged(f, "tmp/stray-file", 100h);           // not a link directory: not ours to judge
  CHECK(psync::sweep_link_temps(fs::posix(), f.root, f.clock) == 2);
  CHECK_FALSE(exists(f, "tmp/joe@pop.a.test/old"));
  CHECK(exists(f, "tmp/joe@pop.a.test/fresh"));
  CHECK_FALSE(exists(f, "tmp/gone@pop.b.test/old"));
  CHECK(exists(f, "tmp/stray-file"));
  CHECK(psync::sweep_link_temps(fs::posix(), f.root, f.clock) == 0);
}

TEST_CASE("stale temps: the service sweeps at its first cycle, then once a day") {
  QuietLog quiet;
  test::FetchFixture f;
  f.dir.write("pop3links.tab", "");
  psync::PsyncConfig config;
  config.mail_root = f.dir.path();
  config.clock = &f.clock;
  psync::PsyncService service(config);

  write_aged(f, "tmp/gone@pop.b.test/first", 40h);
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  REQUIRE(::waitpid(dead, nullptr, 0) == dead);
  const std::string side = "pop3linklocks/joe@pop.a.test.lock.tmp" + std::to_string(dead);
  f.dir.write(side, "");
  REQUIRE(service.run_cycle());
  CHECK_FALSE(exists(f, "tmp/gone@pop.b.test/first"));
  CHECK_FALSE(exists(f, side));

  write_aged(f, "tmp/gone@pop.b.test/second", 40h);
  f.clock.advance(23h);
  REQUIRE(service.run_cycle());
  CHECK(exists(f, "tmp/gone@pop.b.test/second"));  // not yet a day since the last sweep
  f.clock.advance(1h);
  REQUIRE(service.run_cycle());
  CHECK_FALSE(exists(f, "tmp/gone@pop.b.test/second"));
}
