#include "common/fs.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <map>

#include "tests/support/common/faulty_fs.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;

TEST_CASE("write_file_atomic replaces the file and leaves no temp file") {
  test::TempDir dir;
  dir.write("a.tab", "old\n");
  REQUIRE(fs::write_file_atomic(fs::posix(), dir / "a.tab", "new\n").ok());
  CHECK(dir.read("a.tab") == "new\n");
  CHECK(fs::read_file(dir / "a.tab").value() == "new\n");
}

TEST_CASE("write_file_atomic keeps the old file at every injected failure") {
  for (long k = 1; k <= 6; ++k) {
    test::TempDir dir;
    dir.write("a.tab", "old\n");
    test::FaultyFs faulty;
    faulty.fail_call(k, ENOSPC);
    auto r = fs::write_file_atomic(faulty, dir / "a.tab", "new\n");
    INFO("failing call " << k);
    if (k <= 5) {
      // open, write, fsync, close, rename: the old content must survive
      REQUIRE_FALSE(r.ok());
      CHECK(dir.read("a.tab") == "old\n");
      CHECK(r.error().text.find("No space left on device") != std::string::npos);
    } else {
      // the directory fsync fails after the rename: new content, error reported
      REQUIRE_FALSE(r.ok());
      CHECK(dir.read("a.tab") == "new\n");
    }
  }
}

TEST_CASE("Error::to_string names file, line and field") {
  Error e{ErrorKind::config, "pop3links.tab", 7, "field 6 (authtype)", "unknown token \"Levae\""};
  CHECK(e.to_string() == "pop3links.tab:7: field 6 (authtype): unknown token \"Levae\"");
  CHECK(make_error(ErrorKind::io, "boom").to_string() == "boom");
  CHECK(exit_code(ErrorKind::usage) == 64);
}

TEST_CASE("path helpers") {
  CHECK(fs::dir_name("a/b/c") == "a/b");
  CHECK(fs::dir_name("c") == ".");
  CHECK(fs::dir_name("/c") == "/");
  CHECK(fs::base_name("a/b/c") == "c");
  CHECK(fs::join("a/", "b") == "a/b");
  CHECK(fs::join("a", "b") == "a/b");
}

TEST_CASE("make_dirs creates every missing component") {
  test::TempDir dir;
  REQUIRE(fs::posix().make_dirs(dir / "x/y/z").ok());
  CHECK(fs::is_directory(dir / "x/y/z"));
  REQUIRE(fs::posix().make_dirs(dir / "x/y/z").ok());
}

TEST_CASE("make_dirs goes through the seam's mkdir, so a fault there is its error") {
  test::TempDir dir;
  test::FaultyFs faulty;
  faulty.fail_call(2, ENOSPC);  // x is made, x/y fails
  auto r = faulty.make_dirs(dir / "x/y/z");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().file == dir / "x/y");
  CHECK(faulty.calls() == 2);
  CHECK(fs::is_directory(dir / "x"));
  CHECK_FALSE(fs::exists(dir / "x/y"));
}

TEST_CASE("list_dir names every entry but . and .. with its lstat type and mtime") {
  test::TempDir dir;
  dir.write("a.txt", "x");
  dir.write("sub/b.txt", "y");
  REQUIRE(::symlink("a.txt", (dir / "link").c_str()) == 0);
  auto got = fs::posix().list_dir(dir.path());
  REQUIRE(got.ok());
  std::map<std::string, fs::DirEntry::Type> types;
  for (const auto& e : *got) {
    types[e.name] = e.type;
    CHECK(e.mtime > 1'600'000'000);
  }
  CHECK(types == std::map<std::string, fs::DirEntry::Type>{{"a.txt", fs::DirEntry::Type::regular},
                                                           {"link", fs::DirEntry::Type::other},
                                                           {"sub", fs::DirEntry::Type::directory}});
  auto missing = fs::posix().list_dir(dir / "none");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::not_found);
  CHECK(missing.error().file == dir / "none");
}

TEST_CASE("syncfs: the POSIX seam has it; FaultyFs counts it when asked to use it") {
  test::TempDir dir;
  CHECK(fs::posix().has_syncfs());
  CHECK(fs::posix().syncfs(dir.path()).ok());
  CHECK_FALSE(fs::posix().syncfs(dir / "none").ok());
  test::FaultyFs faulty;
  CHECK_FALSE(faulty.has_syncfs());
  faulty.use_syncfs();
  CHECK(faulty.has_syncfs());
  faulty.fail_call(1, EIO);
  CHECK_FALSE(faulty.syncfs(dir.path()).ok());
  CHECK(faulty.syncfs(dir.path()).ok());
  CHECK(faulty.fsyncs() == 1);
}

TEST_CASE("ForwardingFileSystem hands every call to the inner one") {
  test::TempDir dir;
  test::FaultyFs faulty;
  fs::ForwardingFileSystem forward(faulty);
  REQUIRE(fs::write_file_atomic(forward, dir / "f", "data").ok());
  REQUIRE(forward.make_dirs(dir / "d").ok());
  REQUIRE(forward.unlink(dir / "f").ok());
  CHECK(faulty.calls() == 8);  // open, write_all, fsync, close, rename, fsync_dir, mkdir, unlink
  CHECK(forward.has_syncfs() == faulty.has_syncfs());
  CHECK(forward.list_dir(dir.path()).value().size() == 1);
}

TEST_CASE("read_file reports a missing file as not_found with its path") {
  test::TempDir dir;
  auto r = fs::read_file(dir / "missing");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::not_found);
  CHECK(r.error().file == dir / "missing");
}
