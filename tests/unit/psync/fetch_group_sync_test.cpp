// Group-commit syncfs: concurrent callers share syncs that started after their call, and a
// failed sync reaches exactly the callers it was meant to cover.
#include "psync/fetch_group_sync.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "tests/support/common/temp_dir.hpp"

namespace {

class SlowSync final : public psyncd::psync::GroupSyncFs {
 public:
  SlowSync() : GroupSyncFs(psyncd::fs::posix()) {}
  std::atomic<int> fail_next{0};
  std::atomic<int> running{0};
  std::atomic<int> overlap{0};

 protected:
  psyncd::Result<void> do_syncfs(const std::string&) override {
    if (++running > 1) ++overlap;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    --running;
    if (fail_next.exchange(0) != 0) return psyncd::make_error(psyncd::ErrorKind::io, "EIO");
    return {};
  }
};

}  // namespace

TEST_CASE("group sync: concurrent callers share syncs, never overlap", "[psync][group_sync]") {
  psyncd::test::TempDir dir;
  SlowSync fs;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (fs.syncfs(dir.path()).ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok == 8);
  CHECK(fs.overlap == 0);
  CHECK(fs.real_syncs() >= 1);
  CHECK(fs.real_syncs() <= 8);
}

TEST_CASE("group sync: a failure reaches its caller, the next call syncs again",
          "[psync][group_sync]") {
  psyncd::test::TempDir dir;
  SlowSync fs;
  fs.fail_next = 1;
  auto r = fs.syncfs(dir.path());
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().text == "EIO");
  CHECK(fs.syncfs(dir.path()).ok());
  CHECK(fs.real_syncs() == 2);
  auto missing = fs.syncfs(dir / "missing");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == psyncd::ErrorKind::not_found);
}
