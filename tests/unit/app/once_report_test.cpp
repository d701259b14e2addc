// --once's report (app/once_report.hpp): each typed link outcome printed as its summary line
// with the advice under it, counted into the totals line.
#include "app/once_report.hpp"

#include <catch2/catch.hpp>

using namespace psyncd::app;
using psyncd::ErrorCause;
using psyncd::ErrorKind;
using psyncd::psync::FetchStep;
using psyncd::psync::HeldCause;
using psyncd::psync::LinkOutcome;
using psyncd::psync::LinkReport;

namespace {

LinkReport report(const char* who, LinkOutcome outcome = LinkOutcome::ran) {
  LinkReport r;
  r.link.remote_user = who;
  r.link.remote_spec = "h";
  r.link.local_account = who;
  r.link.local_domain = "ex";
  r.outcome = outcome;
  return r;
}

LinkReport ok(const char* who, uint32_t msgs, uint64_t bytes) {
  LinkReport r = report(who);
  r.result.ok = true;
  r.result.messages = msgs;
  r.result.bytes = bytes;
  r.result.deleted = msgs;
  return r;
}

LinkReport failed(const char* who, FetchStep step, psyncd::Error e) {
  LinkReport r = report(who);
  r.result.step = step;
  r.result.error = std::move(e);
  return r;
}

}  // namespace

TEST_CASE("once report: the tally prints each outcome with its advice, exact") {
  OnceTally tally;
  CHECK(tally.add(ok("a", 3, 100)) ==
        "a@h -> a@ex: ok: 3 msgs 100 bytes delivered, 3 deleted, 0 sent to the error account, 0 "
        "held on server\n");
  psyncd::Error full{ErrorKind::io, "/r/tmp/x", 0, "", "cannot write: No space left on device"};
  full.cause = ErrorCause::no_space;
  LinkReport store = failed("b", FetchStep::store, full);
  store.result.messages = 1;
  store.result.bytes = 5;
  store.result.not_synced = 1;
  CHECK(tally.add(store) ==
        "b@h -> b@ex: FAIL (store): /r/tmp/x: cannot write: No space left on device (1 msgs 5 "
        "bytes delivered, 0 deleted, 0 sent to the error account, 1 held on server)\n"
        "    what to do: the file system under MAIL_ROOT is full: free space there\n");
  LinkReport locked = report("c", LinkOutcome::skipped_lock);
  locked.note = "held by pid 7";
  CHECK(tally.add(locked) ==
        "c@h -> c@ex: skipped (locked): held by pid 7\n"
        "    what to do: another psyncd or XMail is syncing this link now; nothing to do\n");
  CHECK(tally.add(report("d", LinkOutcome::disabled)) == "d@h -> d@ex: disabled\n");
  LinkReport stopped = report("e", LinkOutcome::stopped);
  stopped.note = "psyncd was stopping before its turn came";
  CHECK(tally.add(stopped) ==
        "e@h -> e@ex: not run: psyncd was stopping before its turn came\n"
        "    what to do: psyncd was told to stop (SIGTERM) before this link's turn: it runs at the "
        "next start\n");
  CHECK(tally.totals_line() ==
        "psyncd --once: 5 links: 1 ok, 0 held, 1 failed, 3 not run; 4 msgs 105 bytes\n");
}

TEST_CASE("once report: the server's reply is shown after our words, and advice follows the step") {
  OnceTally tally;
  psyncd::Error closed{ErrorKind::unavailable, "h:110", 0, "RETR",
                       "the server closed the connection before replying"};
  closed.cause = ErrorCause::closed;
  std::string out = tally.add(failed("a", FetchStep::retrieve, closed));
  CHECK(out.find("FAIL (retrieve): h:110: RETR: the server closed the connection before replying "
                 "(0 msgs") != std::string::npos);
  CHECK(out.find("what to do: the transfer broke off") != std::string::npos);

  psyncd::Error refused{ErrorKind::auth, "h:110", 0, "PASS", "login refused"};
  refused.reply = "-ERR [AUTH] no";
  refused.cause = ErrorCause::login_refused;
  out = tally.add(failed("b", FetchStep::auth, refused));
  CHECK(out.rfind("b@h -> b@ex: FAIL (auth): h:110: PASS: login refused: \"-ERR [AUTH] no\" (0 "
                  "msgs 0 bytes delivered, 0 deleted, 0 sent to the error account, 0 held on "
                  "server)\n    what to do: check the remote user",
                  0) == 0);
  CHECK(tally.totals_line() ==
        "psyncd --once: 2 links: 0 ok, 0 held, 2 failed, 0 not run; 0 msgs 0 bytes\n");
}

TEST_CASE("once report: links that did not run") {
  OnceTally tally;
  LinkReport delayed = report("a", LinkOutcome::delayed);
  delayed.note = "host h";
  delayed.delay.length = std::chrono::seconds(60);
  CHECK(tally.add(delayed) ==
        "a@h -> a@ex: FAIL: delayed after failures: host h (60 s delay)\n"
        "    what to do: retried once its delay has passed (server.tab PsyncFailedHostDelay / "
        "PsyncFailedAccountDelay); restart psyncd to retry at once\n");
  LinkReport invalid = report("b", LinkOutcome::invalid);
  invalid.note = "pop3links.tab:3: local link to bob@ex.test, which is not an account";
  CHECK(tally.add(invalid).find("what to do: the line in pop3links.tab cannot run: fix it") !=
        std::string::npos);
  LinkReport self = report("c", LinkOutcome::self_poll);
  self.note = "refused: the remote is our own POP3 server and account (self-poll)";
  CHECK(tally.add(self).find("what to do: field 3 points at psyncd's own POP3 server") !=
        std::string::npos);
  CHECK(tally.totals_line() ==
        "psyncd --once: 3 links: 0 ok, 0 held, 3 failed, 0 not run; 0 msgs 0 bytes\n");
}

TEST_CASE("once report: a held link is counted apart and gets advice for its cause") {
  OnceTally tally;
  LinkReport a = ok("a", 1, 5);
  a.result.deleted = 1;
  a.result.not_synced = 2;
  a.result.held = 2;
  a.result.held_cause = HeldCause::unroutable;
  a.result.held_reason =
      "bob@ex: no account \"bob\" in domain \"ex\"; no Pop3SyncErrorAccount set: left on the "
      "server";
  std::string out = tally.add(a);
  CHECK(out ==
        "a@h -> a@ex: held 2: bob@ex: no account \"bob\" in domain \"ex\"; no "
        "Pop3SyncErrorAccount set: left on the server (1 msgs 5 bytes delivered, 1 deleted, 0 sent "
        "to the error account, 2 held "
        "on server)\n"
        "    what to do: a recipient cannot be delivered here (the reason says why): add the "
        "account or alias, or set Pop3SyncErrorAccount in server.tab\n");
  LinkReport b = ok("b", 0, 0);
  b.result.not_synced = 1;
  b.result.held = 1;
  b.result.held_cause = HeldCause::not_stored;
  b.result.held_reason = "cannot store: /r/tmp: cannot open: Permission denied";
  CHECK(tally.add(b).find("what to do: the messages stay on the remote server") !=
        std::string::npos);
  CHECK(tally.totals_line() ==
        "psyncd --once: 2 links: 0 ok, 2 held, 0 failed, 0 not run; 1 msgs 5 bytes\n");
}
