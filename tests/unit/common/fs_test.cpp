#include "common/fs.hpp"

#include <cerrno>

#include <catch2/catch.hpp>

#include "tests/support/faulty_fs.hpp"
#include "tests/support/temp_dir.hpp"

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
  REQUIRE(fs::make_dirs(fs::posix(), dir / "x/y/z").ok());
  CHECK(fs::is_directory(dir / "x/y/z"));
  REQUIRE(fs::make_dirs(fs::posix(), dir / "x/y/z").ok());
}

TEST_CASE("read_file reports a missing file as not_found with its path") {
  test::TempDir dir;
  auto r = fs::read_file(dir / "missing");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::not_found);
  CHECK(r.error().file == dir / "missing");
}
