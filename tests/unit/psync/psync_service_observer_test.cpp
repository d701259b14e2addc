// PsyncService's CycleObserver and delays: against two scripted fake POP3 servers, the
// observer hears each link start, every step and message (exact sequences per link), and the
// end with its LinkReport (step of a failure, failure delay); delay_of() matches; a second
// cycle reports the delayed link from the cycle thread with its delay; summary lines name the
// step.
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>

#include "psync/psync_service.hpp"
#include "spool/password.hpp"
#include "tests/support/psync/psync_fetch_fixture.hpp"

using namespace psyncd::test;  // NOLINT: test builders read like a transcript
using namespace std::chrono_literals;
using psyncd::psync::FetchProgress;
using psyncd::psync::Link;
using psyncd::psync::LinkOutcome;
using psyncd::psync::LinkReport;

namespace {

const std::string kMsg1 = "Subject: one\r\n\r\nbody 1\r\n";
const std::string kMsg2 = "Subject: two\r\n\r\nbody two\r\n";

std::string retr_reply(const std::string& wire) { return "+OK\r\n" + wire + ".\r\n"; }

class Recorder final : public psyncd::psync::CycleObserver {
 public:
  void cycle_started(const std::vector<Link>& links) override {
    std::lock_guard lock(mutex_);
    cycles_.push_back(links.size());
  }
  void link_started(size_t index, const Link&) override { add(index, "start"); }
  void link_progress(size_t index, const Link&, const FetchProgress& p) override {
    add(index, std::string(psyncd::psync::step_name(p.step)) + " " + std::to_string(p.messages) +
                   "/" + std::to_string(p.bytes));
  }
  void link_finished(size_t index, const LinkReport& r) override {
    std::lock_guard lock(mutex_);
    events_[index].push_back("end");
    reports_[index] = r;
    ++ends_;
  }
  void cycle_finished() override {
    std::lock_guard lock(mutex_);
    ends_at_finish_.push_back(ends_);
  }
  // Link ends seen so far at each cycle_finished.
  std::vector<size_t> ends_at_finish() {
    std::lock_guard lock(mutex_);
    return ends_at_finish_;
  }
  std::vector<std::string> events(size_t index) {
    std::lock_guard lock(mutex_);
    return events_[index];
  }
  LinkReport report(size_t index) {
    std::lock_guard lock(mutex_);
    return reports_[index];
  }
  std::vector<size_t> cycles() {
    std::lock_guard lock(mutex_);
    return cycles_;
  }
  void reset() {
    std::lock_guard lock(mutex_);
    events_.clear();
  }

 private:
  void add(size_t index, std::string e) {
    std::lock_guard lock(mutex_);
    events_[index].push_back(std::move(e));
  }
  std::mutex mutex_;
  std::map<size_t, std::vector<std::string>> events_;
  std::map<size_t, LinkReport> reports_;
  std::vector<size_t> cycles_;  // links per cycle_started
  size_t ends_ = 0;
  std::vector<size_t> ends_at_finish_;
};

std::string links_line(const std::string& account, std::uint16_t port) {
  return "\"ex.test\"\t\"" + account + "\"\t\"127.0.0.1:" + std::to_string(port) +
         "\"\t\"joe\"\t\"" + psyncd::spool::encode_password("pw") + "\"\t\"\"\n";
}

psyncd::psync::PsyncConfig service_config(FetchFixture& f, Recorder& rec) {
  psyncd::psync::PsyncConfig config;
  config.mail_root = f.dir.path();
  config.threads = 2;
  config.io_timeout = 3s;
  config.clock = &f.clock;
  config.observer = &rec;
  return config;
}

}  // namespace

TEST_CASE("PsyncService: the observer hears steps, messages, ends and delays",
          "[psync][psync_service]") {
  FetchFixture f;
  FakePop3Server good(FakePop3Server::Sessions{
      join_steps({hello_login(),
                  listing({{"u1", kMsg1.size()}, {"u2", kMsg2.size()}}),
                  {expect("RETR 1\r\nRETR 2\r\n"), say(retr_reply(kMsg1) + retr_reply(kMsg2)),
                   expect("DELE 1\r\nDELE 2\r\n"), say("+OK\r\n+OK\r\n")},
                  quit_ok()}),
      join_steps({hello_login(), listing({}), quit_ok()})});
  FakePop3Server bad({say(kGreeting), expect("CAPA\r\n"), say(kCapaPipe), expect("USER joe\r\n"),
                      say("+OK\r\n"), expect("PASS pw\r\n"), say("-ERR [AUTH] wrong password\r\n"),
                      expect_close()});
  f.dir.write("pop3links.tab", links_line("joe", good.port()) + links_line("ann", bad.port()));

  Recorder rec;
  psyncd::psync::PsyncService service(service_config(f, rec));
  auto cycle = service.run_cycle();
  REQUIRE(cycle);
  REQUIRE(cycle->links.size() == 2);

  std::string b1 = std::to_string(kMsg1.size());
  std::string b12 = std::to_string(kMsg1.size() + kMsg2.size());
  CHECK(rec.events(0) == std::vector<std::string>{"start", "connect 0/0", "auth 0/0", "store 0/0",
                                                  "list 0/0", "retrieve 0/0", "retrieve 1/" + b1,
                                                  "retrieve 2/" + b12, "store 2/" + b12,
                                                  "dele 2/" + b12, "quit 2/" + b12, "end"});
  CHECK(rec.events(1) == std::vector<std::string>{"start", "connect 0/0", "auth 0/0", "end"});
  LinkReport ok = rec.report(0);
  CHECK(ok.result.ok);
  CHECK(ok.result.messages == 2);
  CHECK(ok.delay.length == 0s);
  LinkReport failed = rec.report(1);
  CHECK(failed.result.step == psyncd::psync::FetchStep::auth);
  CHECK(failed.result.error.cause == psyncd::ErrorCause::login_refused);
  CHECK(failed.delay.length == 300s);  // PsyncFailedAccountDelay's default
  CHECK(failed.delay.scope == "account");
  CHECK(failed.delay.until == f.clock.now() + 300s);
  std::string who = "joe@127.0.0.1:" + std::to_string(bad.port()) + " -> ann@ex.test";
  CHECK(psyncd::psync::summary_line(failed).rfind(who + ": FAIL (auth): ", 0) == 0);
  CHECK(psyncd::psync::failure_text(failed) == "FAIL (auth): " + failed.result.reason());
  // The server's words are kept apart from ours, and shown after them.
  CHECK(failed.result.error.reply.find("wrong password") != std::string::npos);
  CHECK(failed.result.error.text == "login refused");
  CHECK(failed.result.reason().find("wrong password") != std::string::npos);
  CHECK(service.delay_of(cycle->links[1].link).until == failed.delay.until);
  CHECK(service.delay_of(cycle->links[0].link).length == 0s);
  CHECK(bad.finish() == "");

  // Next cycle, 10 s later: the failed link is held back, reported with its delay.
  rec.reset();
  f.clock.advance(10s);
  auto second = service.run_cycle();
  REQUIRE(second);
  CHECK(second->links[1].outcome == LinkOutcome::delayed);
  CHECK(rec.events(1) == std::vector<std::string>{"end"});
  CHECK(rec.report(1).delay.until == failed.delay.until);
  CHECK(psyncd::psync::summary_line(second->links[1]) ==
        who + ": FAIL: delayed after failures: account (300 s delay)");
  CHECK(rec.events(0).front() == "start");
  CHECK(rec.events(0).back() == "end");
  CHECK(good.finish() == "");
  CHECK(rec.cycles() == std::vector<size_t>{2, 2});
  CHECK(rec.ends_at_finish() == std::vector<size_t>{2, 4});  // each after its links' ends
}

TEST_CASE("PsyncService: a refused pop3links.tab line is a failed link, in file order",
          "[psync][psync_service]") {
  FetchFixture f;
  FakePop3Server good(join_steps({hello_login(), listing({}), quit_ok()}));
  const std::string bad = "\"ex.test\"\t\"ann\"\t\"127.0.0.1:1\"\t\"ann\"\t\"" +
                          psyncd::spool::encode_password("pw") + "\"\t\"SASL=DIGEST-MD5\"\n";
  f.dir.write("pop3links.tab", bad + links_line("joe", good.port()));

  Recorder rec;
  psyncd::psync::PsyncService service(service_config(f, rec));
  auto cycle = service.run_cycle();
  REQUIRE(cycle);
  REQUIRE(cycle->links.size() == 2);
  CHECK(rec.cycles() == std::vector<size_t>{2});
  const LinkReport& refused = cycle->links[0];
  CHECK(refused.outcome == LinkOutcome::invalid);
  CHECK(rec.events(0) == std::vector<std::string>{"end"});  // not tried
  const std::string summary = psyncd::psync::summary_line(refused);
  CHECK(summary.rfind("ann@127.0.0.1:1 -> ann@ex.test: skipped: config: ", 0) == 0);
  CHECK(summary.find("pop3links.tab:1: field 6 (authtype): token \"SASL=DIGEST-MD5\": unknown "
                     "mechanism") != std::string::npos);
  CHECK(cycle->links[1].outcome == LinkOutcome::ran);
  CHECK(cycle->links[1].result.ok);
  CHECK_FALSE(cycle->ok());  // so --once exits non-zero
  CHECK(good.finish() == "");
}

TEST_CASE("PsyncService: links not started because psyncd is stopping say so, typed",
          "[psync][psync_service]") {
  FetchFixture f;
  f.dir.write("pop3links.tab", links_line("joe", 1) + links_line("ann", 1));
  Recorder rec;
  std::atomic<bool> stop{true};
  psyncd::psync::PsyncConfig config = service_config(f, rec);
  config.stop = &stop;
  psyncd::psync::PsyncService service(config);
  auto cycle = service.run_cycle();
  REQUIRE(cycle);
  REQUIRE(cycle->links.size() == 2);
  for (const LinkReport& l : cycle->links) {
    CHECK(l.outcome == LinkOutcome::stopped);
    CHECK(psyncd::psync::kind_of(l) == psyncd::psync::OutcomeKind::stopped);
    CHECK(psyncd::psync::outcome_text(l) == "not run: psyncd was stopping before its turn came");
  }
  CHECK_FALSE(cycle->ok());  // --once exits non-zero: these links did not sync
}
