// run_psync as --once runs it: no POP3 server of ours runs then, so a link to 127.0.0.1 on the
// -Pp port with one of our accounts as remote user is polled like any other link (another
// server may well listen there), not refused as a self-poll.
#include "app/psync_runner.hpp"

#include <catch2/catch.hpp>
#include <sstream>

#include "spool/password.hpp"
#include "tests/support/psync/psync_fetch_fixture.hpp"

using namespace psyncd::test;  // NOLINT: test builders read like a transcript

TEST_CASE("run_psync --once: the -Pp port is not ours when no listener of ours holds it", "[app]") {
  FetchFixture f;
  const std::string msg = "Subject: hi\r\n\r\nbody\r\n";
  FakePop3Server server(join_steps(
      {hello_login(),
       listing({{"u1", msg.size()}}),
       {expect("RETR 1\r\n"), say("+OK\r\n" + msg + ".\r\n"), expect("DELE 1\r\n"), say("+OK\r\n")},
       quit_ok()}));
  f.dir.write("pop3links.tab",
              "\"ex.test\"\t\"ann\"\t\"127.0.0.1:" + std::to_string(server.port()) +
                  "\"\t\"joe\"\t\"" + psyncd::spool::encode_password("pw") + "\"\t\"\"\n");
  psyncd::app::Options o;
  o.mode = psyncd::app::Mode::once;
  o.mail_root = f.dir.path();
  o.psync_timeout = 5;
  o.pop3.port = server.port();  // -Pp: the port the link names
  std::ostringstream out, err;
  int rc = psyncd::app::run_psync(o, out, err);
  INFO(out.str() + err.str());
  CHECK(rc == 0);
  CHECK(out.str().find("self-poll") == std::string::npos);
  CHECK(out.str().find(": ok: 1 msgs") != std::string::npos);
  CHECK(f.delivered("ann") == std::vector<std::string>{msg});
  CHECK(server.finish() == "");
}
