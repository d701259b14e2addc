#include "pop3d/pop3_log.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "tests/support/common/temp_dir.hpp"

using namespace psyncd::pop3d;

namespace {

// Local time is what XMail logs; pin the zone so the expectations hold anywhere.
struct Utc {
  Utc() {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
};

std::chrono::system_clock::time_point at(long long secs) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(secs));
}

}  // namespace

TEST_CASE("POP3 log: XMail's line format") {
  Utc utc;
  Pop3LogEntry e{"mail.host", "example.test", "192.0.2.7", "alice", true, 3, 12345};
  // 1700000000 = 2023-11-14 22:13:20 UTC
  CHECK(format_pop3_log_line(e, at(1700000000)) ==
        "\"mail.host\"\t\"example.test\"\t\"192.0.2.7\"\t\"2023-11-14 22:13:20\"\t\"alice\"\t\"\""
        "\t\"LOGIN\"\t\"3\"\t\"12345\"\n");
  e.ok = false;
  e.user = "bad\"user\r\n";
  CHECK(format_pop3_log_line(e, at(1700000000)) ==
        "\"mail.host\"\t\"example.test\"\t\"192.0.2.7\"\t\"2023-11-14 "
        "22:13:20\"\t\"bad_user__\"\t\"\""
        "\t\"ELOGIN\"\n");
}

TEST_CASE("POP3 log: appends lines to logs/pop3-*") {
  Utc utc;
  psyncd::test::TempDir dir;
  {
    Pop3Log log(dir.path(), 1);
    Pop3LogEntry e{"h", "d", "1.2.3.4", "u", false, 0, 0};
    log.write(e, at(1700000000));
    log.write(e, at(1700000001));
    log.write(e, at(1700002800));  // 23:00:00: the next one-hour window
  }
  CHECK(dir.read("pop3-202311142200") ==
        "\"h\"\t\"d\"\t\"1.2.3.4\"\t\"2023-11-14 22:13:20\"\t\"u\"\t\"\"\t\"ELOGIN\"\n"
        "\"h\"\t\"d\"\t\"1.2.3.4\"\t\"2023-11-14 22:13:21\"\t\"u\"\t\"\"\t\"ELOGIN\"\n");
  CHECK(dir.read("pop3-202311142300") ==
        "\"h\"\t\"d\"\t\"1.2.3.4\"\t\"2023-11-14 23:00:00\"\t\"u\"\t\"\"\t\"ELOGIN\"\n");
}
