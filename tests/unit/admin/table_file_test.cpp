#include "admin/table_file.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "tests/support/common/faulty_fs.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;
using admin::TableFile;
using admin::TableLine;

namespace {

bool names(const TableLine& l, const std::string& first) { return l.fields[0] == first; }

}  // namespace

TEST_CASE("TableFile: lines it does not change stay byte for byte") {
  test::TempDir dir;
  std::string odd = "# comment \"x\"\n\n\"a\"\t\t\"1\"  junk\r\n\"b\"\t\"q\\\"uote\"\t\"extra\"\n";
  dir.write("t.tab", odd);
  auto table = TableFile::load(dir / "t.tab");
  REQUIRE(table);
  REQUIRE(table->lines().size() == 4);
  CHECK(table->lines()[2].fields == std::vector<std::string>{"a", "1"});
  CHECK(table->lines()[3].fields == std::vector<std::string>{"b", "q\"uote", "extra"});
  CHECK(table->text() == odd);
  table->append({{"c"}, {"7", false}});
  REQUIRE(table->save(fs::posix()));
  CHECK(dir.read("t.tab") == odd + "\"c\"\t7\n");
}

TEST_CASE("TableFile: an appended record does not run into a last line without LF") {
  test::TempDir dir;
  dir.write("t.tab", "\"a\"");
  auto table = TableFile::load(dir / "t.tab");
  REQUIRE(table);
  table->append({{"b"}});
  REQUIRE(table->save(fs::posix()));
  CHECK(dir.read("t.tab") == "\"a\"\n\"b\"\n");
}

TEST_CASE("TableFile: replace and remove touch the matching records only") {
  test::TempDir dir;
  dir.write("t.tab", "#a\n\"a\"\t\"1\"\n\"b\"\t\"2\"\n\"a\"\t\"3\"\n");
  auto table = TableFile::load(dir / "t.tab");
  REQUIRE(table);
  CHECK(table->find([](const TableLine& l) { return names(l, "a"); }).size() == 2);
  CHECK(table->replace([](const TableLine& l) { return names(l, "b"); }, {{"b"}, {"new"}}) == 1);
  CHECK(table->remove([](const TableLine& l) { return names(l, "a"); }) == 2);
  CHECK(table->text() == "#a\n\"b\"\t\"new\"\n");
  CHECK(table->lines()[1].number == 3);  // the line it replaced, for diagnostics
}

TEST_CASE("TableFile: save keeps the file's mode") {
  test::TempDir dir;
  dir.write("t.tab", "\"a\"\n");
  REQUIRE(::chmod((dir / "t.tab").c_str(), 0640) == 0);
  auto table = TableFile::load(dir / "t.tab");
  REQUIRE(table);
  table->append({{"b"}});
  REQUIRE(table->save(fs::posix()));
  struct stat st {};
  REQUIRE(::stat((dir / "t.tab").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
}

TEST_CASE("TableFile: a failed save leaves the old table whole and no temp file") {
  test::TempDir dir;
  dir.write("t.tab", "\"a\"\n");
  auto table = TableFile::load(dir / "t.tab");
  REQUIRE(table);
  table->append({{"b"}});
  for (long k = 1; k <= 4; ++k) {  // open, write, fsync, close, then rename
    test::FaultyFs faulty;
    faulty.fail_call(k, ENOSPC);
    CHECK_FALSE(table->save(faulty));
    CHECK(dir.read("t.tab") == "\"a\"\n");
  }
  CHECK(fs::posix().list_dir(dir.path())->size() == 1);
  auto missing = TableFile::load(dir / "none.tab");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::not_found);
}
