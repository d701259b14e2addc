// The --status table: typed per-link results (psync::LinkReport) recorded into a StatusBook,
// the status.tab round trip (also the 9-field files of earlier versions) and the exact
// --status lines, including next poll = max(next cycle, end of the failure delay).
#include "app/link_status.hpp"

#include <catch2/catch.hpp>

using namespace psyncd::app;
using psyncd::psync::FetchStep;
using psyncd::psync::LinkOutcome;
using psyncd::psync::LinkReport;

namespace {

constexpr int64_t kT = 1'700'000'000;  // 2023-11-14 22:13:20 UTC

LinkReport report(LinkOutcome outcome, bool ok = true, uint32_t msgs = 0, uint64_t bytes = 0) {
  LinkReport r;
  r.link.remote_user = "a";
  r.link.remote_spec = "h:110";
  r.link.local_account = "a";
  r.link.local_domain = "ex.test";
  r.outcome = outcome;
  r.result.ok = ok;
  r.result.messages = msgs;
  r.result.bytes = bytes;
  return r;
}

LinkReport failed(FetchStep step, const std::string& why, int64_t delay, int64_t until) {
  LinkReport r = report(LinkOutcome::ran, false);
  r.result.step = step;
  r.result.error = psyncd::Error{psyncd::ErrorKind::auth, "", 0, "", why};
  r.delay.length = std::chrono::seconds(delay);
  r.delay.until = std::chrono::system_clock::time_point(std::chrono::seconds(until));
  r.delay.scope = "account";
  return r;
}

}  // namespace

TEST_CASE("link status: results, counts, failures, delay and next poll") {
  struct Case {
    const char* name;
    LinkReport input;
    int64_t at;
    const char* want_result;
    uint64_t msgs, total_msgs, failures;
    int64_t next_poll, delay;
  };
  // One book, fed in order: each case sees the ones before it.
  const Case cases[] = {
      {"ok", report(LinkOutcome::ran, true, 3, 100), kT, "ok", 3, 3, 0, kT + 120, 0},
      {"auth failure, delay 300 s beyond the next cycle",
       failed(FetchStep::auth, "h:110: PASS: login refused", 300, kT + 420), kT + 120,
       "FAIL (auth): h:110: PASS: login refused", 0, 3, 1, kT + 420, 300},
      {"delayed: last result kept, delay shown",
       [] {
         LinkReport r = report(LinkOutcome::delayed);
         r.note = "account";
         r.delay.length = std::chrono::seconds(300);
         r.delay.until = std::chrono::system_clock::time_point(std::chrono::seconds(kT + 420));
         return r;
       }(),
       kT + 240, "FAIL (auth): h:110: PASS: login refused", 0, 3, 1, kT + 420, 300},
      {"retrieve failure keeps what was stored, delay shorter than the cycle",
       [] {
         LinkReport r = failed(FetchStep::retrieve, "h:110: connection closed", 60, kT + 480);
         r.result.messages = 2;
         return r;
       }(),
       kT + 420, "FAIL (retrieve): h:110: connection closed", 2, 5, 2, kT + 540, 60},
      {"disabled counts nothing", report(LinkOutcome::disabled), kT + 600, "disabled", 0, 5, 2,
       kT + 720, 0},
      {"ok clears failures", report(LinkOutcome::ran, true, 1, 7), kT + 720, "ok", 1, 6, 0,
       kT + 840, 0},
      {"held: not ok, not a failure (no delay, failures unchanged)",
       [] {
         LinkReport r = report(LinkOutcome::ran, true, 1, 7);
         r.result.held = 2;
         r.result.held_reason = "no account \"x\" in domain \"ex.test\"";
         return r;
       }(),
       kT + 840, "held 2: no account \"x\" in domain \"ex.test\"", 1, 7, 0, kT + 960, 0},
  };
  StatusBook book(120);
  for (const auto& c : cases) {
    INFO(c.name);
    book.record(c.input, c.at);
    auto e = book.entries();
    REQUIRE(e.size() == 1);
    CHECK(e[0].link == "a@h:110 -> a@ex.test");
    CHECK(e[0].result == c.want_result);
    CHECK(e[0].msgs == c.msgs);
    CHECK(e[0].total_msgs == c.total_msgs);
    CHECK(e[0].failures == c.failures);
    CHECK(e[0].next_poll == c.next_poll);
    CHECK(e[0].delay == c.delay);
  }
}

TEST_CASE("link status: a link first seen delayed; -Yi 0 means trigger only") {
  StatusBook book(0);
  LinkReport r = report(LinkOutcome::delayed);
  r.note = "host h";
  book.record(r, kT);
  book.record(failed(FetchStep::connect, "h:110: connect: refused", 60, kT + 60), kT);
  auto e = book.entries();
  REQUIRE(e.size() == 1);
  CHECK(e[0].next_poll == 0);
  CHECK(status_line(e[0], kT) ==
        "a@h:110 -> a@ex.test: last FAIL (connect): h:110: connect: refused at 2023-11-14 "
        "22:13:20 UTC; 0 msgs 0 bytes (total 0 msgs 0 bytes); next poll on .psync-trigger only; "
        "failure delay: 60 s, until 2023-11-14 22:14:20 UTC (1 failure(s) in a row); what to do: "
        "cannot reach field 3's server[:port]: check the name, port and firewall");
  StatusBook fresh(0);
  fresh.record(r, kT);
  CHECK(fresh.entries()[0].result == "not run: delayed after failures: host h");
  CHECK(status_line(fresh.entries()[0], kT)
            .find("; what to do: retried once its delay has "
                  "passed") != std::string::npos);
}

TEST_CASE("link status: --status lines, exact") {
  struct Case {
    const char* name;
    LinkStatus input;
    int64_t now;
    const char* want;
  };
  const Case cases[] = {
      {"ok",
       {"a@h -> a@ex", "ok", kT, 3, 100, 9, 300, 0, kT + 120, 0, 0, false, {}, {}},
       kT + 1,
       "a@h -> a@ex: last ok at 2023-11-14 22:13:20 UTC; 3 msgs 100 bytes (total 9 msgs 300 "
       "bytes); next poll 2023-11-14 22:15:20 UTC; failure delay: none"},
      {"overdue",
       {"a@h -> a@ex", "ok", kT, 0, 0, 0, 0, 0, kT + 120, 0, 0, false, {}, {}},
       kT + 121,
       "a@h -> a@ex: last ok at 2023-11-14 22:13:20 UTC; 0 msgs 0 bytes (total 0 msgs 0 "
       "bytes); next poll 2023-11-14 22:15:20 UTC (overdue); failure delay: none"},
      {"delay ended",
       {"a@h -> a@ex", "FAIL (list): x", kT, 0, 0, 0, 0, 2, kT + 600, 300, kT + 300, false, {}, {}},
       kT + 400,
       "a@h -> a@ex: last FAIL (list): x at 2023-11-14 22:13:20 UTC; 0 msgs 0 bytes (total 0 "
       "msgs 0 bytes); next poll 2023-11-14 22:23:20 UTC; failure delay: 300 s, ended "
       "2023-11-14 22:18:20 UTC (2 failure(s) in a row)"},
      {"failures, no delay (turned off)",
       {"a@h -> a@ex", "FAIL (auth): x", kT, 0, 0, 0, 0, 1, 0, 0, 0, false, {}, {}},
       kT,
       "a@h -> a@ex: last FAIL (auth): x at 2023-11-14 22:13:20 UTC; 0 msgs 0 bytes (total 0 "
       "msgs 0 bytes); next poll on .psync-trigger only; failure delay: none (1 failure(s) in a "
       "row)"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(status_line(c.input, c.now) == c.want);
  }
}

TEST_CASE("link status: the table round-trips, in link order; old 9-field files load") {
  StatusBook book(60);
  LinkReport z = report(LinkOutcome::ran, true, 1, 7);
  z.link.remote_user = z.link.local_account = "z";
  book.record(z, 100);
  book.record(failed(FetchStep::auth, "say \"no\"\tnow", 300, 400), 100);
  std::string text = format_status_table(book.entries());
  auto back = parse_status_table(text, "status.tab");
  REQUIRE(back);
  REQUIRE(back->size() == 2);
  CHECK((*back)[0].link == "z@h:110 -> z@ex.test");
  CHECK((*back)[0].bytes == 7);
  CHECK((*back)[1].result == "FAIL (auth): say \"no\" now");
  CHECK((*back)[1].next_poll == 400);
  CHECK((*back)[1].delay == 300);
  CHECK((*back)[1].delay_until == 400);
  StatusBook again(60);
  again.load(*back);
  CHECK(format_status_table(again.entries()) == text);

  auto old = parse_status_table("\"a\"\t\"ok\"\t\"5\"\t\"1\"\t\"2\"\t\"3\"\t\"4\"\t\"0\"\t\"65\"\n",
                                "status.tab");
  REQUIRE(old);
  REQUIRE(old->size() == 1);
  CHECK((*old)[0].total_bytes == 4);
  CHECK((*old)[0].next_poll == 65);
  CHECK((*old)[0].delay == 0);
  CHECK_FALSE((*old)[0].typed);
}

TEST_CASE("link status: the typed outcome round-trips and gives --status its advice") {
  StatusBook book(60);
  LinkReport r = failed(FetchStep::auth, "", 300, 400);
  r.result.error = psyncd::Error{psyncd::ErrorKind::auth, "h:110", 0, "PASS", "login refused"};
  r.result.error.reply = "-ERR [AUTH]\tno";
  r.result.error.cause = psyncd::ErrorCause::login_refused;
  book.record(r, 100);
  std::string text = format_status_table(book.entries());
  CHECK(text.find("\"failed\"\t\"auth\"\t\"login-refused\"\t\"\"\t\"-ERR [AUTH] no\"\n") !=
        std::string::npos);
  auto back = parse_status_table(text, "status.tab");
  REQUIRE(back);
  REQUIRE(back->size() == 1);
  const LinkStatus& s = (*back)[0];
  CHECK(s.typed);
  CHECK(s.outcome.kind == psyncd::psync::OutcomeKind::failed);
  CHECK(s.outcome.step == FetchStep::auth);
  CHECK(s.outcome.cause == psyncd::ErrorCause::login_refused);
  CHECK(s.reply == "-ERR [AUTH] no");
  CHECK(s.result == "FAIL (auth): h:110: PASS: login refused: \"-ERR [AUTH]\\x09no\"");
  CHECK(status_line(s, 100).find("; what to do: check the remote user (field 4)") !=
        std::string::npos);

  // A held link keeps the refusing server's words apart too.
  StatusBook held(60);
  LinkReport h = report(LinkOutcome::ran, true, 1, 5);
  h.result.held = 1;
  h.result.held_cause = psyncd::psync::HeldCause::retr_refused;
  h.result.held_reason = "server refused RETR";
  h.result.held_reply = "-ERR gone";
  held.record(h, 100);
  auto hb = parse_status_table(format_status_table(held.entries()), "status.tab");
  REQUIRE(hb);
  CHECK((*hb)[0].result == "held 1: server refused RETR: \"-ERR gone\"");
  CHECK((*hb)[0].reply == "-ERR gone");
  CHECK((*hb)[0].outcome.held == psyncd::psync::HeldCause::retr_refused);
  CHECK(status_line((*hb)[0], 100).find("what to do: the server refused to send them") !=
        std::string::npos);

  // A file of the version before the outcome columns (11 fields): read, no advice.
  auto eleven = parse_status_table(
      "\"a\"\t\"FAIL (auth): "
      "x\"\t\"5\"\t\"0\"\t\"0\"\t\"0\"\t\"0\"\t\"1\"\t\"65\"\t\"60\"\t\"65\"\n",
      "status.tab");
  REQUIRE(eleven);
  CHECK_FALSE((*eleven)[0].typed);
  CHECK((*eleven)[0].delay == 60);
  CHECK(status_line((*eleven)[0], 5).find("what to do") == std::string::npos);
}

TEST_CASE("link status: bad input") {
  struct Case {
    const char* name;
    const char* input;
    const char* want;
  };
  const Case cases[] = {
      {"few fields", "\"a\"\t\"ok\"\n", "status.tab:1: 2 fields, want 16"},
      {"ten fields", "\"a\"\t\"ok\"\t\"1\"\t\"1\"\t\"1\"\t\"1\"\t\"1\"\t\"0\"\t\"0\"\t\"0\"\n",
       "status.tab:1: 10 fields, want 16"},
      {"not a number", "\"a\"\t\"ok\"\t\"x\"\t\"1\"\t\"1\"\t\"1\"\t\"1\"\t\"0\"\t\"0\"\n",
       "status.tab:1: field 3: \"x\" is not a number"},
      {"bad delay",
       "\"a\"\t\"ok\"\t\"1\"\t\"1\"\t\"1\"\t\"1\"\t\"1\"\t\"0\"\t\"0\"\t\"-5\"\t\"0\"\n",
       "status.tab:1: field 10: \"-5\" is not a number"},
      {"unknown step",
       "\"a\"\t\"FAIL (x): y\"\t\"1\"\t\"1\"\t\"1\"\t\"1\"\t\"1\"\t\"0\"\t\"0\"\t\"0\"\t\"0\"\t"
       "\"failed\"\t\"transfer\"\t\"\"\t\"\"\t\"\"\n",
       "status.tab:1: field 13: unknown value \"transfer\""},
      {"unknown cause",
       "\"a\"\t\"FAIL (auth): y\"\t\"1\"\t\"1\"\t\"1\"\t\"1\"\t\"1\"\t\"0\"\t\"0\"\t\"0\"\t\"0\"\t"
       "\"failed\"\t\"auth\"\t\"bad-luck\"\t\"\"\t\"\"\n",
       "status.tab:1: field 14: unknown value \"bad-luck\""},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = parse_status_table(c.input, "status.tab");
    REQUIRE_FALSE(r);
    CHECK(r.error().to_string() == c.want);
  }
}

TEST_CASE("link status: retain drops the links no longer in pop3links.tab, in its order") {
  StatusBook book(60);
  LinkReport a = report(LinkOutcome::ran), b = report(LinkOutcome::ran),
             c = report(LinkOutcome::ran);
  b.link.remote_user = b.link.local_account = "b";
  c.link.remote_user = c.link.local_account = "c";
  for (const auto* r : {&a, &b, &c}) book.record(*r, kT);
  CHECK_FALSE(book.retain({a.link, b.link, c.link}));
  CHECK(book.retain({c.link, a.link}));
  auto e = book.entries();
  REQUIRE(e.size() == 2);
  CHECK(e[0].link == "c@h:110 -> c@ex.test");
  CHECK(e[1].link == "a@h:110 -> a@ex.test");
}

// Links end in any order (several run at once); --status lists them as pop3links.tab does,
// the refused lines too, as "skipped: config".
TEST_CASE("link status: pop3links.tab order, whatever order the links finished in") {
  StatusBook book(60);
  LinkReport a = report(LinkOutcome::ran), bad = report(LinkOutcome::invalid),
             c = report(LinkOutcome::ran);
  bad.link.remote_user = bad.link.local_account = "bad";
  bad.note = "pop3links.tab:2: 1 field, pop3links.tab needs at least 6 (line skipped)";
  c.link.remote_user = c.link.local_account = "c";
  CHECK_FALSE(book.retain({a.link, bad.link, c.link}));
  for (const auto* r : {&c, &bad, &a}) book.record(*r, kT);
  auto e = book.entries();
  REQUIRE(e.size() == 3);
  CHECK(e[0].link == "a@h:110 -> a@ex.test");
  CHECK(e[1].link == "bad@h:110 -> bad@ex.test");
  CHECK(e[1].result == "skipped: config: " + bad.note);
  CHECK(e[2].link == "c@h:110 -> c@ex.test");
}

TEST_CASE("link status: pop3links.tab's own line comes first, survives a reload, then clears") {
  StatusBook book(60);
  book.record(report(LinkOutcome::ran, true, 1, 7), 100);
  const std::string why =
      "NOT USED: pop3links.tab:2: 3 fields\tbad; the last good table stays in use (2 links)";
  CHECK(book.set_links_table(why, kT));
  CHECK_FALSE(book.set_links_table(why, kT + 60));  // unchanged: the time it began stays
  auto entries = book.entries();
  REQUIRE(entries.size() == 2);
  CHECK(status_line(entries[0], kT + 60) ==
        "pop3links.tab: NOT USED: pop3links.tab:2: 3 fields bad; the last good table stays in "
        "use (2 links) (since 2023-11-14 22:13:20 UTC)");
  auto back = parse_status_table(format_status_table(entries), "status.tab");
  REQUIRE(back);
  StatusBook again(60);
  again.load(*back);
  CHECK(again.retain({}));  // the link is gone from pop3links.tab; the table's line is not
  REQUIRE(again.entries().size() == 1);
  CHECK(again.entries()[0].link == kLinksTableEntry);
  CHECK(again.set_links_table("", kT + 120));
  CHECK(again.entries().empty());
}
