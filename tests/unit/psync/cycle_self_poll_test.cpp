// The self-poll refusal counts a port as ours only while our own POP3 listener holds it: a
// link to 127.0.0.1:<port> with one of our accounts as its remote user runs as any other
// without a listener (--once), while our listener is on another port, and after it closed;
// it is refused while the listener is bound to that port.
#include "psync/cycle_self_poll.hpp"

#include <catch2/catch.hpp>

#include "psync/psync_service.hpp"
#include "spool/password.hpp"
#include "tests/support/psync/psync_fetch_fixture.hpp"

using namespace psyncd::test;  // NOLINT: test builders read like a transcript
using namespace std::chrono_literals;
using psyncd::psync::LinkOutcome;

TEST_CASE("self-poll: refused only while our listener is bound to the link's port",
          "[psync][scheduler]") {
  FetchFixture f;
  auto empty = join_steps({hello_login(), listing({}), quit_ok()});
  FakePop3Server server(FakePop3Server::Sessions{empty, empty, empty});
  // Remote user "joe" is our own account joe@ex.test (a bare name in a local domain).
  f.dir.write("pop3links.tab",
              "\"ex.test\"\t\"ann\"\t\"127.0.0.1:" + std::to_string(server.port()) +
                  "\"\t\"joe\"\t\"" + psyncd::spool::encode_password("pw") + "\"\t\"\"\n");
  psyncd::psync::SelfListener self;
  psyncd::psync::PsyncConfig config;
  config.mail_root = f.dir.path();
  config.io_timeout = 3s;
  config.clock = &f.clock;
  auto outcome = [&](const psyncd::psync::SelfListener* listener) {
    config.self = listener;
    psyncd::psync::PsyncService service(config);
    auto cycle = service.run_cycle();
    REQUIRE(cycle);
    REQUIRE(cycle->links.size() == 1);
    INFO(psyncd::psync::summary_line(cycle->links[0]));
    if (cycle->links[0].outcome == LinkOutcome::ran) CHECK(cycle->links[0].result.ok);
    return cycle->links[0].outcome;
  };
  CHECK(outcome(nullptr) == LinkOutcome::ran);  // no listener in this process (--once)
  self.bound({static_cast<std::uint16_t>(server.port() == 1 ? 2 : 1)});
  CHECK(outcome(&self) == LinkOutcome::ran);  // ours is elsewhere
  self.bound({server.port()});
  CHECK(outcome(&self) == LinkOutcome::self_poll);
  self.closed();
  CHECK(outcome(&self) == LinkOutcome::ran);
  CHECK(server.finish() == "");
}

TEST_CASE("self-poll: wait_settled returns once the listener reports, or on stop",
          "[psync][scheduler]") {
  psyncd::psync::SelfListener self;
  std::atomic<bool> stop{true};
  self.wait_settled(&stop);  // returns at once: stopping
  CHECK_FALSE(self.is_ours(110));
  self.bound({110, 995});
  self.wait_settled(nullptr);  // settled: returns at once
  CHECK(self.is_ours(110));
  CHECK(self.is_ours(995));
  CHECK_FALSE(self.is_ours(111));
}
