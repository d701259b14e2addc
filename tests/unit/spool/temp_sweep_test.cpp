#include "spool/temp_sweep.hpp"

#include <sys/stat.h>
#include <utime.h>

#include <catch2/catch.hpp>
#include <cerrno>

#include "tests/support/common/faulty_fs.hpp"
#include "tests/support/common/temp_dir.hpp"
#include "tests/support/spool/spool_fixture.hpp"

using namespace psyncd;

namespace {

void set_mtime(const std::string& path, time_t when) {
  struct utimbuf times {
    when, when
  };
  REQUIRE(::utime(path.c_str(), &times) == 0);
}

}  // namespace

TEST_CASE("sweep_stale_temp removes only old regular files") {
  test::TempDir dir;
  ManualClock clock;  // 1 700 000 000 s
  dir.write("tmp/old", "x");
  dir.write("tmp/fresh", "y");
  dir.write("tmp/olddir/f", "z");
  set_mtime(dir / "tmp/old", 1'700'000'000 - 37 * 3600);
  set_mtime(dir / "tmp/fresh", 1'700'000'000 - 35 * 3600);
  set_mtime(dir / "tmp/olddir", 1'700'000'000 - 99 * 3600);
  auto n = spool::sweep_stale_temp(fs::posix(), dir / "tmp", clock);
  REQUIRE(n.ok());
  CHECK(*n == 1);
  CHECK(test::list_names(dir / "tmp") == std::vector<std::string>{"fresh", "olddir"});
  CHECK(spool::sweep_stale_temp(fs::posix(), dir / "missing", clock).value() == 0);

  SECTION("an unlink error is reported") {
    set_mtime(dir / "tmp/fresh", 1);
    test::FaultyFs faulty;
    faulty.fail_call(1, EIO);
    auto r = spool::sweep_stale_temp(faulty, dir / "tmp", clock);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().to_string() == dir / "tmp/fresh" + ": injected failure in: Input/output error");
  }
}
