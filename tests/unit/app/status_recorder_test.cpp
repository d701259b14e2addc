// StatusRecorder: link ends rewrite MAIL_ROOT/psyncd/status.tab (creating psyncd/) from its
// writer thread, a burst of them costs one write, the file parses back to the recorded
// results, a new recorder carries the totals on, and an unwritable place is no error for the
// caller (mail keeps flowing).
#include "app/status_recorder.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>

#include "common/fs.hpp"
#include "common/log.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd::app;
using psyncd::psync::LinkOutcome;
using psyncd::psync::LinkReport;

namespace {

constexpr std::chrono::milliseconds kQuick{5};

LinkReport ok(const std::string& user, uint32_t msgs, uint64_t bytes) {
  LinkReport r;
  r.link.remote_user = user;
  r.link.remote_spec = "h:110";
  r.link.local_account = user;
  r.link.local_domain = "ex.test";
  r.outcome = LinkOutcome::ran;
  r.result.ok = true;
  r.result.messages = msgs;
  r.result.bytes = bytes;
  return r;
}

std::vector<LinkStatus> read_back(const std::string& root) {
  auto text = psyncd::fs::read_file(status_path(root));
  REQUIRE(text);
  auto entries = parse_status_table(*text, "status.tab");
  REQUIRE(entries);
  return *entries;
}

}  // namespace

TEST_CASE("status recorder: written at each link end, totals carried over a restart") {
  psyncd::test::TempDir dir;
  {
    StatusRecorder rec(dir.path(), 120, kQuick);
    rec.link_finished(0, ok("a", 2, 20));
    rec.flush();
    auto e = read_back(dir.path());
    REQUIRE(e.size() == 1);
    CHECK(e[0].link == "a@h:110 -> a@ex.test");
    rec.link_finished(1, ok("b", 1, 5));
    rec.flush();
    CHECK(read_back(dir.path()).size() == 2);
  }
  StatusRecorder again(dir.path(), 120, kQuick);
  again.link_finished(0, ok("a", 3, 30));
  again.flush();
  auto e = read_back(dir.path());
  REQUIRE(e.size() == 2);
  CHECK(e[0].msgs == 3);
  CHECK(e[0].total_msgs == 5);
  CHECK(e[0].total_bytes == 50);
  CHECK(e[1].link == "b@h:110 -> b@ex.test");
  // A link removed from pop3links.tab leaves the file at the next cycle's start.
  again.cycle_started({ok("b", 0, 0).link});
  again.flush();
  e = read_back(dir.path());
  REQUIRE(e.size() == 1);
  CHECK(e[0].link == "b@h:110 -> b@ex.test");
  // No temp files left behind.
  size_t files = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir / "psyncd")) {
    (void)f;
    ++files;
  }
  CHECK(files == 1);
}

TEST_CASE("status recorder: bad input (a file in the way) is no error for the caller") {
  psyncd::test::TempDir dir;
  dir.write("psyncd", "not a directory");
  std::vector<std::string> warnings;
  auto previous = psyncd::log::set_sink([&](psyncd::log::Level level, std::string_view m) {
    if (level == psyncd::log::Level::warn) warnings.emplace_back(m);
  });
  StatusRecorder rec(dir.path(), 0, kQuick);
  rec.link_finished(0, ok("a", 1, 1));
  rec.flush();
  rec.link_finished(0, ok("a", 1, 1));
  rec.flush();
  psyncd::log::set_sink(previous);
  REQUIRE(warnings.size() == 1);  // once, not at every link end
  CHECK(warnings[0].rfind("status file: ", 0) == 0);
  CHECK_FALSE(std::filesystem::is_directory(dir / "psyncd"));
}

TEST_CASE("status recorder: a burst of link ends is one write, and nothing is lost at the end") {
  psyncd::test::TempDir dir;
  {
    // A spacing no test run reaches: after the first write, only flush-at-exit may write.
    StatusRecorder rec(dir.path(), 120, std::chrono::hours(1));
    rec.link_finished(0, ok("first", 1, 1));
    rec.flush();
    CHECK(read_back(dir.path()).size() == 1);
    for (int i = 0; i < 200; ++i) rec.link_finished(0, ok("u" + std::to_string(i), 1, 10));
    CHECK(rec.writes() == 1);  // the burst waits for the spacing
    CHECK(read_back(dir.path()).size() == 1);
  }  // the destructor writes the rest at once, without waiting out the hour
  CHECK(read_back(dir.path()).size() == 201);
}

TEST_CASE("status recorder: the cycle's end is written at once, whatever the spacing") {
  psyncd::test::TempDir dir;
  StatusRecorder rec(dir.path(), 120, std::chrono::hours(1));
  rec.link_finished(0, ok("first", 1, 1));
  rec.flush();
  rec.link_finished(1, ok("second", 1, 1));
  rec.link_finished(2, ok("third", 1, 1));
  rec.cycle_finished();
  rec.flush();  // would wait the hour without cycle_finished
  CHECK(rec.writes() == 2);
  CHECK(read_back(dir.path()).size() == 3);
}
