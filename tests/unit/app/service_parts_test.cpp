// The service's pieces that need no network: the pid-file guard and the flag mapping.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "app/cli.hpp"
#include "app/pid_file.hpp"
#include "app/pop3d_config.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;
using namespace psyncd::app;

TEST_CASE("pid file: a second holder is refused with the first one's pid") {
  test::TempDir dir;
  std::string path = dir.path() + "/psyncd.pid";
  auto first = PidFile::acquire(path);
  REQUIRE(first);
  auto second = PidFile::acquire(path);
  REQUIRE_FALSE(second);
  CHECK(second.error().kind == ErrorKind::temporary);
  CHECK(second.error().text.find("another psyncd (pid " + std::to_string(getpid()) + ")") !=
        std::string::npos);
}

TEST_CASE("pid file: released when the holder goes; a stale file is reused") {
  test::TempDir dir;
  std::string path = dir.path() + "/psyncd.pid";
  dir.write("psyncd.pid", "99999999\n");
  {
    auto first = PidFile::acquire(path);
    REQUIRE(first);
  }
  auto again = PidFile::acquire(path);
  CHECK(again);
}

TEST_CASE("pid file: bad input") {
  auto r = PidFile::acquire("/nonexistent-dir-h9/psyncd.pid");
  REQUIRE_FALSE(r);
  CHECK(r.error().to_string() ==
        "/nonexistent-dir-h9/psyncd.pid: cannot open the pid file: No such file or directory");
}

TEST_CASE("pop3d config: every -P/-B/-M flag reaches the listener") {
  auto o = parse_options({"-Ms",       "/r",  "-Pp", "1110", "-PI",  "127.0.0.1:2110",
                          "-P6",       "-Pt", "30",  "-Pw",  "2",    "-Ph",
                          "-Pl",       "-PX", "9",   "-Bp",  "1995", "-BI",
                          "127.0.0.1", "-B6", "-Mm", "-Mr",  "6"},
                         Environment{});
  REQUIRE(o);
  auto c = make_pop3d_config(*o);
  CHECK(c.mail_root == "/r");
  CHECK(c.pop3_enabled);
  CHECK(c.pop3_port == 1110);
  CHECK(c.pop3_bind == std::vector<std::string>{"127.0.0.1:2110"});
  CHECK(c.pop3_ipv6);
  CHECK(c.idle_timeout == std::chrono::seconds(30));
  CHECK(c.bad_login_delay == std::chrono::seconds(2));
  CHECK(c.hang_up_on_bad_login);
  CHECK(c.log_enabled);
  CHECK(c.max_sessions == 9);
  CHECK(c.pop3s_port == 1995);
  CHECK(c.pop3s_bind == std::vector<std::string>{"127.0.0.1"});
  CHECK(c.pop3s_ipv6);
  CHECK(c.format == pop3d::MailboxFormat::mailbox);
  CHECK(c.log_rotate_hours == 6);
}

TEST_CASE("pop3d config: -P- and -B- switch the listeners off") {
  auto o = parse_options({"-Ms", "/r", "-P-", "-B-"}, Environment{});
  REQUIRE(o);
  auto c = make_pop3d_config(*o);
  CHECK_FALSE(c.pop3_enabled);
  CHECK_FALSE(c.pop3s_enabled);
  CHECK(c.idle_timeout == std::chrono::seconds(600));
}

TEST_CASE("service: refuses to start while another holds MAIL_ROOT/psyncd.pid") {
  test::TempDir dir;
  auto holder = PidFile::acquire(dir.path() + "/psyncd.pid");
  REQUIRE(holder);
  std::ostringstream out, err;
  CHECK(run_cli({"-Ms", dir.path(), "-Y-", "-P-", "-B-"}, {}, out, err) == 75);
  CHECK(err.str() == "psyncd: " + dir.path() + "/psyncd.pid: another psyncd (pid " +
                         std::to_string(getpid()) +
                         ") is already running on this MAIL_ROOT; stop it first\n");
  CHECK(out.str().empty());
}

TEST_CASE("once: a MAIL_ROOT without links prints the totals line") {
  test::TempDir dir;
  std::filesystem::copy(std::string(PSYNCD_SOURCE_DIR) + "/samples/MAIL_ROOT.example", dir.path(),
                        std::filesystem::copy_options::recursive);
  dir.write("pop3links.tab", "");
  std::ostringstream out, err;
  CHECK(run_cli({"-Ms", dir.path(), "--once", "-P-", "-B-"}, {}, out, err) == 0);
  CHECK(out.str() == "psyncd --once: 0 links: 0 ok, 0 held, 0 failed, 0 not run; 0 msgs 0 bytes\n");
}
