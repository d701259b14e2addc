// common/xmail_log.hpp: XMail's log file names (MscLogFilePath's rotation windows), the quoted
// TAB-separated line and appending with fopen's file mode.
#include "common/xmail_log.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <string>

#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;

namespace {

// Local time is what XMail logs; pin the zone so the expectations hold anywhere.
struct Zone {
  explicit Zone(const char* tz) {
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~Zone() {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
};

std::chrono::system_clock::time_point at(long long secs) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(secs));
}

}  // namespace

TEST_CASE("xmail_log::file_name: the local start of the -Mr window", "[xmail_log]") {
  Zone utc("UTC");
  const auto when = at(1700000000);  // 2023-11-14 22:13:20 UTC
  CHECK(xmail_log::file_name("pop3", when, 24) == "pop3-202311140000");
  CHECK(xmail_log::file_name("psync", when, 6) == "psync-202311141800");
  CHECK(xmail_log::file_name("pop3", when, 1) == "pop3-202311142200");
  CHECK(xmail_log::file_name("pop3", when, 0) == "pop3-202311140000");  // 0 counts as 24
  // Windows that do not divide 24 are counted from the epoch, as in MscLogFilePath:
  // 1700000000 / (5 * 3600) = 94444 windows -> 1699999200 = 20:00.
  CHECK(xmail_log::file_name("pop3", when, 5) == "pop3-202311142000");
  // 48 hours: 1700000000 / 172800 = 9837 windows -> 1699833600 = 2023-11-13 00:00.
  CHECK(xmail_log::file_name("pop3", when, 48) == "pop3-202311130000");
  CHECK(xmail_log::file_name("pop3", at(1699833599), 48) == "pop3-202311110000");
}

TEST_CASE("xmail_log::file_name: windows follow local time, not UTC", "[xmail_log]") {
  Zone india("IST-5:30");  // 5:30 east of UTC: 1700000000 is 2023-11-15 03:43:20 there
  CHECK(xmail_log::file_name("pop3", at(1700000000), 24) == "pop3-202311150000");
  CHECK(xmail_log::file_name("pop3", at(1700000000), 2) == "pop3-202311150200");
  CHECK(xmail_log::local_time(at(1700000000)) == "2023-11-15 03:43:20");
}

TEST_CASE("xmail_log::format_line: quoted fields, nothing can break the line", "[xmail_log]") {
  CHECK(xmail_log::format_line({"a", "", "b c"}) == "\"a\"\t\"\"\t\"b c\"\n");
  CHECK(xmail_log::format_line({"x\"y", "1\r\n2", "t\tu", "del\x7f"}) ==
        "\"x_y\"\t\"1__2\"\t\"t_u\"\t\"del_\"\n");
  CHECK(xmail_log::format_line({"\xc3\xa9"}) == "\"\xc3\xa9\"\n");  // UTF-8 kept
  const std::string long_field(2000, 'u');
  CHECK(xmail_log::format_line({long_field}) == "\"" + std::string(1024, 'u') + "\"\n");
}

TEST_CASE("xmail_log::append: appends, creates mode 0666 less the umask", "[xmail_log]") {
  Zone utc("UTC");
  test::TempDir dir;
  const mode_t old = ::umask(027);
  auto first = xmail_log::append(dir.path(), "pop3", at(1700000000), 24, "one\n");
  auto second = xmail_log::append(dir.path(), "pop3", at(1700000001), 24, "two\n");
  ::umask(old);
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  CHECK(dir.read("pop3-202311140000") == "one\ntwo\n");
  struct stat st {};
  REQUIRE(::stat((dir / "pop3-202311140000").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640);
}

TEST_CASE("xmail_log::append: a missing logs directory is an error naming the file",
          "[xmail_log]") {
  Zone utc("UTC");
  test::TempDir dir;
  auto r = xmail_log::append(dir / "nologs", "psync", at(1700000000), 24, "x\n");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().file == dir / "nologs/psync-202311140000");
  CHECK(r.error().kind == ErrorKind::not_found);
}
