// The XMail link lock file: O_EXCL creation with "<pid>\0" inside, refusal while a live
// process holds it, recovery of a lock whose process is gone, release on destruction.
#include "psync/link_lock.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/common/temp_dir.hpp"

using psyncd::ErrorKind;
using psyncd::psync::LinkLock;
using psyncd::psync::lock_owner_pid;
using psyncd::test::TempDir;

namespace {

// A pid that certainly names no process: a child that has exited and been reaped.
long dead_pid() {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  return pid;
}

}  // namespace

TEST_CASE("link lock: create, content, release", "[psync][link_lock]") {
  TempDir dir;
  std::string path = dir / "pop3linklocks/joe@pop.example.com_110.lock";
  {
    auto lock = LinkLock::acquire(path);
    REQUIRE(lock.ok());
    CHECK(dir.read("pop3linklocks/joe@pop.example.com_110.lock") ==
          std::to_string(getpid()) + std::string(1, '\0'));
    auto second = LinkLock::acquire(path);
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().kind == ErrorKind::temporary);
    CHECK(second.error().to_string() == path + ": link is locked by another session");
  }
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("link lock: a live owner keeps it, a dead owner's lock is recovered",
          "[psync][link_lock]") {
  TempDir dir;
  std::string path = dir / "l.lock";
  SECTION("live (our parent)") {
    dir.write("l.lock", std::to_string(getppid()) + std::string(1, '\0'));
    CHECK_FALSE(LinkLock::acquire(path).ok());
    CHECK(std::filesystem::exists(path));
  }
  SECTION("dead") {
    dir.write("l.lock", std::to_string(dead_pid()) + std::string(1, '\0'));
    auto lock = LinkLock::acquire(path);
    REQUIRE(lock.ok());
    CHECK(lock_owner_pid(dir.read("l.lock")) == getpid());
  }
  SECTION("no pid inside (XMail thread id unknown): left alone") {
    dir.write("l.lock", "");
    CHECK_FALSE(LinkLock::acquire(path).ok());
  }
}

TEST_CASE("link lock: owner pid parsing", "[psync][link_lock]") {
  struct Case {
    const char* name;
    std::string text;
    long want;
  };
  std::vector<Case> cases = {
      {"pid and NUL", std::string("1234") + '\0', 1234},
      {"pid and newline", "77\n", 77},
      {"empty", "", 0},
      {"letters", "abc", 0},
      {"leading space", " 12", 0},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(lock_owner_pid(c.text) == c.want);
  }
}

TEST_CASE("link lock: a dead process's side files are cleaned up, a live one's and locks stay",
          "[psync][link_lock]") {
  TempDir dir;
  std::string dead = "joe@pop.x.test.lock.tmp" + std::to_string(dead_pid());
  std::string dead_aside = "ann@pop.x.test.lock.stale" + std::to_string(dead_pid());
  std::string live = "bob@pop.x.test.lock.tmp" + std::to_string(getppid());
  std::string dead_lock = "eve@pop.x.test.lock";  // a lock is recovered by acquire(), not here
  std::string odd = "notes.tmp" + std::to_string(dead_pid());
  for (const auto& name : {dead, dead_aside, live, dead_lock, odd}) dir.write(name, "");
  psyncd::psync::remove_dead_lock_side_files(dir.path());
  CHECK_FALSE(std::filesystem::exists(dir / dead));
  CHECK_FALSE(std::filesystem::exists(dir / dead_aside));
  CHECK(std::filesystem::exists(dir / live));
  CHECK(std::filesystem::exists(dir / dead_lock));
  CHECK(std::filesystem::exists(dir / odd));
}
