// Live --once progress: the amount and progress-line formats (exact strings), and the
// LiveProgress observer's terminal output under a manual clock: \r redraws at most every
// 100 ms, the "+N more running" tail, the cut to the terminal width, summary lines (with
// hints) printed for good as links end, and the totals line at the end.
#include "app/once_progress.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using namespace psyncd::app;
using psyncd::ManualClock;
using psyncd::psync::FetchProgress;
using psyncd::psync::FetchStep;
using psyncd::psync::Link;
using psyncd::psync::LinkOutcome;
using psyncd::psync::LinkReport;

namespace {

Link link(const std::string& user) {
  Link l;
  l.remote_user = user;
  l.remote_spec = "h:110";
  l.local_account = user;
  l.local_domain = "ex.test";
  return l;
}

const char* const kClear = "\r\x1b[K";

}  // namespace

TEST_CASE("once progress: amounts and progress lines, exact") {
  struct Case {
    const char* name;
    uint64_t msgs, bytes;
    const char* want;
  };
  const Case cases[] = {
      {"nothing", 0, 0, "0 msgs, 0 bytes"},
      {"one", 1, 512, "1 msg, 512 bytes"},
      {"just under 10 KiB", 2, 10239, "2 msgs, 10239 bytes"},
      {"KB", 120, 491520, "120 msgs, 480 KB"},
      {"MB", 3, 13107200, "3 msgs, 12.5 MB"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(format_amount(c.msgs, c.bytes) == c.want);
  }
  CHECK(progress_line("u@h -> u@ex.test", FetchProgress{FetchStep::retrieve, 120, 491520}) ==
        "u@h -> u@ex.test: retrieve: 120 msgs, 480 KB");
  CHECK(progress_line("u@h -> u@ex.test", FetchProgress{}) ==
        "u@h -> u@ex.test: lock: 0 msgs, 0 bytes");
}

TEST_CASE("once progress: redraws are throttled, links end as summary lines") {
  std::ostringstream out;
  ManualClock clock;
  LiveProgress live(out, clock, 200);
  live.link_started(0, link("a"));
  std::string want = std::string(kClear) + "a@h:110 -> a@ex.test: lock: 0 msgs, 0 bytes";
  CHECK(out.str() == want);
  // Within 100 ms: remembered, not drawn.
  live.link_progress(0, link("a"), FetchProgress{FetchStep::retrieve, 1, 100});
  live.link_started(1, link("b"));
  CHECK(out.str() == want);
  clock.advance(std::chrono::milliseconds(100));
  live.link_progress(0, link("a"), FetchProgress{FetchStep::retrieve, 2, 200});
  want +=
      std::string(kClear) + "a@h:110 -> a@ex.test: retrieve: 2 msgs, 200 bytes (+1 more running)";
  CHECK(out.str() == want);
  // A link's end is printed at once, then the other running link is drawn again.
  LinkReport r;
  r.link = link("a");
  r.outcome = LinkOutcome::ran;
  r.result.step = FetchStep::auth;
  r.result.error = psyncd::Error{psyncd::ErrorKind::auth, "h:110", 0, "PASS", "login refused"};
  r.result.error.reply = "-ERR no";
  live.link_finished(0, r);
  want += std::string(kClear) +
          "a@h:110 -> a@ex.test: FAIL (auth): h:110: PASS: login refused: \"-ERR no\" (0 msgs 0 "
          "bytes delivered, 0 deleted, 0 sent to the error account, 0 held on server)\n    what to "
          "do: check the remote user (field 4) and the password (field 5, "
          "made with xmcrypt); try APOP or SASL= in field 6 if the server wants them\n" +
          kClear + "b@h:110 -> b@ex.test: lock: 0 msgs, 0 bytes";
  CHECK(out.str() == want);
  LinkReport ok;
  ok.link = link("b");
  ok.result.ok = true;
  ok.result.messages = 2;
  ok.result.bytes = 30;
  live.link_finished(1, ok);
  live.done();
  want += std::string(kClear) +
          "b@h:110 -> b@ex.test: ok: 2 msgs 30 bytes delivered, 0 deleted, 0 sent to the error "
          "account, "
          "0 held on server\n"
          "psyncd --once: 2 links: 1 ok, 0 held, 1 failed, 0 not run; 2 msgs 30 bytes\n";
  CHECK(out.str() == want);
}

TEST_CASE("once progress: the live line is cut to the terminal width") {
  std::ostringstream out;
  ManualClock clock;
  LiveProgress live(out, clock, 20);
  live.link_started(0, link("averyveryverylongname"));
  CHECK(out.str() == std::string(kClear) + "averyveryverylongna");
  live.done();
  CHECK(out.str() ==
        std::string(kClear) + "averyveryverylongna" + kClear +
            "psyncd --once: 0 links: 0 ok, 0 held, 0 failed, 0 not run; 0 msgs 0 bytes\n");
}

TEST_CASE("once progress: told the cycle's links, the line counts the ended ones") {
  std::ostringstream out;
  ManualClock clock;
  LiveProgress live(out, clock, 200);
  live.cycle_started({link("a"), link("b"), link("c")});
  LinkReport disabled;
  disabled.link = link("c");
  disabled.outcome = LinkOutcome::disabled;
  live.link_finished(2, disabled);
  live.link_started(0, link("a"));
  CHECK(out.str() == std::string("c@h:110 -> c@ex.test: disabled\n") + kClear +
                         "[1/3] a@h:110 -> a@ex.test: lock: 0 msgs, 0 bytes");
}

TEST_CASE("once progress: a log line clears the live line first and redraws it after") {
  std::ostringstream out;  // stdout and stderr on one terminal: one stream shows the order
  ManualClock clock;
  LiveProgress live(out, clock, 200);
  live.cycle_started({link("a"), link("b")});
  live.link_started(0, link("a"));
  const std::string drawn =
      std::string(kClear) + "[0/2] a@h:110 -> a@ex.test: lock: 0 msgs, 0 bytes";
  CHECK(out.str() == drawn);
  live.interrupt(out, "psyncd: warning: something\n");
  CHECK(out.str() == drawn + kClear + "psyncd: warning: something\n" + drawn);
  // With no live line on screen, nothing is cleared or drawn around it.
  LiveProgress idle(out, clock, 200);
  out.str("");
  idle.interrupt(out, "psyncd: info: x\n");
  CHECK(out.str() == "psyncd: info: x\n");
}
