#include "app/once_report.hpp"

#include <catch2/catch.hpp>

using namespace psyncd::app;

TEST_CASE("once report: a hint per failure kind") {
  struct Case {
    const char* name;
    const char* outcome;
    const char* want;  // a piece of the hint; "" = no hint
  };
  const Case cases[] = {
      {"ok", "ok: 3 msgs 10 bytes, 3 deleted, 0 not synced", ""},
      {"disabled", "disabled", ""},
      {"auth",
       "FAIL: h:110: USER: login refused: \"-ERR [AUTH] no\" (0 msgs 0 bytes, 0 deleted, 0 not "
       "synced)",
       "password (field 5"},
      {"connect",
       "FAIL: h:110: connect: Connection refused (0 msgs 0 bytes, 0 deleted, 0 not synced)",
       "check the name, port"},
      {"delayed", "FAIL: delayed after failures: host h", "PsyncFailedHostDelay"},
      {"self", "FAIL: refused: the remote is our own POP3 server and account (self-poll)",
       "own POP3 server"},
      {"locked", "skipped (locked): held by pid 7", "syncing this link"},
      {"other", "FAIL: something new", "psyncd --check"},
      {"step auth", "FAIL (auth): h:110: PASS: -ERR no (0 msgs 0 bytes, 0 deleted, 0 not synced)",
       "password (field 5"},
      {"step connect",
       "FAIL (connect): h:110: Connection refused (0 msgs 0 bytes, 0 deleted, 0 not synced)",
       "check the name, port"},
      {"step retrieve beats the word 'connection'",
       "FAIL (retrieve): h:110: connection closed (1 msgs 10 bytes, 0 deleted, 0 not synced)",
       "the transfer broke off"},
      {"step store",
       "FAIL (store): rename: No space left on device (0 msgs 0 bytes, 0 deleted, 0 not synced)",
       "free space"},
      {"cross-device",
       "FAIL (store): link /r/tmp/x to /r/domains/d/a/Maildir/new/y: Invalid "
       "cross-device link (0 msgs 0 bytes, 0 deleted, 0 not synced)",
       "across a mount point"},
      {"placement",
       "FAIL (store): /r/domains/d/a/Maildir/tmp: is on another file system than "
       "/r/domains/d/a/Maildir/new (0 msgs 0 bytes, 0 deleted, 0 not synced)",
       "psyncd --check"},
      {"step quit", "FAIL (quit): h:110: QUIT: -ERR (2 msgs 9 bytes, 2 deleted, 0 not synced)",
       "did not confirm QUIT"},
      {"pin",
       "FAIL (connect): pop3s://h:995: server certificate SHA-256 AB:CD does not match "
       "the pinned 00:00 (0 msgs 0 bytes, 0 deleted, 0 not synced)",
       "was renewed"},
      {"pin, no TLS",
       "FAIL (connect): pop3://h:110: Pin=sha256: is set but the server did not "
       "start TLS (no STLS offered) (0 msgs 0 bytes, 0 deleted, 0 not synced)",
       "offers no STLS"},
      {"unverified",
       "FAIL (connect): pop3s://h:995: connect: SSL certificate problem: "
       "self-signed certificate (0 msgs 0 bytes, 0 deleted, 0 not synced)",
       "install its CA"},
      {"silent after login",
       "FAIL (list): h:110: STAT: the server accepted the login, then sent nothing for 90 s: it "
       "stopped answering after the login (0 msgs 0 bytes, 0 deleted, 0 not synced)",
       "went silent"},
      {"timeout",
       "FAIL (list): h:110: timed out waiting for the server (0 msgs 0 bytes, 0 deleted, 0 not "
       "synced)",
       "raise -YT"},
      {"SASL not offered",
       "FAIL (auth): h:110: AUTH: SASL mechanism CRAM-MD5 is not offered by the server (it "
       "offers: PLAIN) (0 msgs 0 bytes, 0 deleted, 0 not synced)",
       "names a mechanism the server does not offer"},
      {"invalid line",
       "FAIL (invalid): pop3links.tab:3: field 6 (authtype): token \"SASL=DIGEST-MD5\": unknown "
       "mechanism",
       "fix it"},
      {"invalid line beats the words in its reason",
       "FAIL (invalid): pop3links.tab:3: local link to bob@ex.test, which is not an account in "
       "mailusers.tab (line skipped)",
       "fix it"},
      {"text beats step",
       "FAIL (connect): h:110: Could not resolve host (0 msgs 0 bytes, 0 deleted, 0 not synced)",
       "does not resolve"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    std::string hint = failure_hint(c.outcome);
    // Free space has nothing to do with a mount boundary.
    if (std::string(c.name) == "cross-device" || std::string(c.name) == "placement")
      CHECK(hint.find("free space") == std::string::npos);
    if (std::string(c.want).empty())
      CHECK(hint.empty());
    else
      CHECK(hint.find(c.want) != std::string::npos);
  }
}

TEST_CASE("once report: lines are kept, hints added, totals appended") {
  std::string in =
      "a@h:110 -> a@ex.test: ok: 3 msgs 100 bytes, 3 deleted, 0 not synced\n"
      "b@h:110 -> b @ex.test: FAIL: h:110: connect: refused (0 msgs 0 bytes, 0 deleted, 0 not synced)\n"
      "c@h:110 -> c@ex.test: disabled\n";
  std::string out = annotate_once_output(in);
  CHECK(out.rfind(
            "a@h:110 -> a@ex.test: ok: 3 msgs 100 bytes, 3 deleted, 0 not synced\n"
            "b@h:110 -> b @ex.test: FAIL: h:110: connect: refused (0 msgs 0 bytes, 0 deleted, 0 not synced)\n"
            "    what to do: cannot reach",
            0) == 0);
  CHECK(out.find("psyncd --once: 3 links: 1 ok, 0 held, 1 failed, 1 not run; 3 msgs 100 bytes\n") !=
        std::string::npos);
}

TEST_CASE("once report: bad input (no summary lines) still gives totals") {
  CHECK(annotate_once_output("garbage\n") ==
        "garbage\npsyncd --once: 0 links: 0 ok, 0 held, 0 failed, 0 not run; 0 msgs 0 bytes\n");
  CHECK(annotate_once_output("") == "psyncd --once: 0 links: 0 ok, 0 held, 0 failed, 0 not run; 0 msgs 0 bytes\n");
}

TEST_CASE("once report: the tally counts summary lines and adds hints, exact") {
  OnceTally tally;
  CHECK(tally.add("a@h -> a@ex: ok: 3 msgs 100 bytes, 3 deleted, 0 not synced") ==
        "a@h -> a@ex: ok: 3 msgs 100 bytes, 3 deleted, 0 not synced\n");
  CHECK(tally.add("b@h -> b@ex: FAIL (store): disk full (1 msgs 5 bytes, 0 deleted, 1 not synced)") ==
        "b@h -> b@ex: FAIL (store): disk full (1 msgs 5 bytes, 0 deleted, 1 not synced)\n"
        "    what to do: storing under MAIL_ROOT failed: check free space and permissions there\n");
  CHECK(tally.add("not a summary") == "not a summary\n");
  CHECK(tally.add("c@h -> c@ex: skipped (locked): held by pid 7") ==
        "c@h -> c@ex: skipped (locked): held by pid 7\n"
        "    what to do: another psyncd or XMail is syncing this link now; nothing to do\n");
  CHECK(tally.totals_line() ==
        "psyncd --once: 3 links: 1 ok, 0 held, 1 failed, 1 not run; 4 msgs 105 bytes\n");
}

TEST_CASE("once report: a held link is counted apart and gets a hint") {
  OnceTally tally;
  std::string line =
      "a@h -> a@ex: held 2: bob@ex: no account \"bob\" in domain \"ex\"; no "
      "Pop3SyncErrorAccount set: left on the server (1 msgs 5 bytes, 1 deleted, 2 not synced)";
  std::string out = tally.add(line);
  CHECK(out.rfind(line + "\n    what to do: a recipient cannot be delivered here", 0) == 0);
  CHECK(tally.add("b@h -> b@ex: held 1: server refused RETR: -ERR gone (0 msgs 0 bytes, 0 "
                  "deleted, 1 not synced)")
            .find("what to do: the messages stay on the remote server") != std::string::npos);
  CHECK(tally.totals_line() ==
        "psyncd --once: 2 links: 0 ok, 2 held, 0 failed, 0 not run; 1 msgs 5 bytes\n");
}
