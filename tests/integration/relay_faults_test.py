#!/usr/bin/env python3
"""SMTP relay faults a real gateway does not produce on demand, through a scripted gateway
(harness/smtp_gateway.py FakeSmtp), a real Dovecot remote and the built psyncd. carol's
mailproc.tab keeps a copy and redirects to friend@ and pal@other.example, so each message has
one local and two relayed recipients. For each fault the message must stay on the remote
(nothing lost), and the next cycle, with the gateway healthy, must send it only to the
recipients still owed (nothing twice), carol keeping her one copy:
  - RCPT 451 for pal only: friend is sent at once, pal in the next cycle;
  - RCPT 550 for pal: the message goes to Pop3SyncErrorAccount with the reply, and leaves;
  - DATA answered 451; the link dropped in the middle of the message; the link dropped
    after the final "." before the reply (the one case where the gateway may hold a copy it
    never acknowledged); a reply held back past -YT.
Exit 0 pass, 1 fail, 77 skip (dovecot missing; CI=true: fail)."""
import collections
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot, smtp_gateway  # noqa: E402
from psync_mailroot import MailRoot, add_remote_messages, check, q  # noqa: E402
from e2e_test import msg  # noqa: E402

FRIEND, PAL = "friend@other.example", "pal@other.example"


def remote_count(d, user):
    return sum(len(os.listdir(os.path.join(d.maildir(user), sub))) for sub in ("new", "cur"))


def msgid(m):
    return re.search(rb"Message-ID: (<[^>]+>)", m).group(1).decode()


def main():
    dovecot.require_or_skip()
    with tempfile.TemporaryDirectory(prefix="psyncd-relay-faults-") as tmp:
        with dovecot.Dovecot(os.path.join(tmp, "dv"), {"r-carol": ("pw1", [])}) as d, \
                smtp_gateway.FakeSmtp() as gw:
            root = MailRoot(os.path.join(tmp, "root"), ["carol", "errors"])
            root.write("domains/ex.test/carol/mailproc.tab",
                       q("mailbox") + q("redirect", FRIEND) + q("redirect", PAL))
            root.write("server.tab", q("DefaultSMTPGateways", f"127.0.0.1:{gw.port}") +
                       q("Pop3SyncErrorAccount", "errors@ex.test"))
            root.set_links([("?ex.test,remote.test", "l1", f"127.0.0.1:{d.pop3_port}", "r-carol",
                             "pw1", "CLR")])

            def cycle(what, expect_rc):
                r = root.run("-YT", "3")
                out = r.stdout + r.stderr
                check(r.returncode == expect_rc,
                      f"{what}: --once exits {expect_rc}, got {r.returncode}", out)
                return out

            def healthy():
                gw.fault, gw.rcpt_reply = None, (lambda r: None)

            def case(name, setup, owed_after_fault, log_words):
                m = msg(name, "carol@remote.test")
                add_remote_messages(d, "r-carol", [m])
                before_local = len(root.delivered("carol"))
                taken_before = collections.Counter(gw.taken)
                setup()
                out = cycle(f"{name} (fault)", 75)
                check(remote_count(d, "r-carol") == 1, f"{name}: the message stays on the remote",
                      out)
                check(len(root.delivered("carol")) == before_local + 1,
                      f"{name}: carol has her copy once", out)
                check(re.search(log_words, out), f"{name}: the log says why ({log_words})", out)
                taken_now = collections.Counter(gw.taken) - taken_before
                sent = {r for (mid, r) in taken_now if mid == msgid(m)}
                check(sent == {FRIEND, PAL} - set(owed_after_fault),
                      f"{name}: the gateway took only {sorted({FRIEND, PAL} - set(owed_after_fault))}"
                      f", got {sorted(sent)}", out)
                healthy()
                out = cycle(f"{name} (retry)", 0)
                check(remote_count(d, "r-carol") == 0, f"{name}: the retry settles it", out)
                check(len(root.delivered("carol")) == before_local + 1,
                      f"{name}: carol got no second copy", out)
                taken_now = collections.Counter(gw.taken) - taken_before
                per_rcpt = collections.Counter(r for (mid, r) in taken_now if mid == msgid(m))
                check(per_rcpt == {FRIEND: 1, PAL: 1},
                      f"{name}: each relayed recipient exactly once at the gateway: {per_rcpt}", out)

            def pal_451():
                gw.rcpt_reply = lambda r: "451 4.2.1 try later" if r == PAL else None

            case("rcpt 451", pal_451, [PAL], r"deferred for pal@other\.example.*451 4\.2\.1")

            def data_451():
                gw.fault = "data-4xx"

            case("data 451", data_451, [FRIEND, PAL], r"451 4\.3\.0")

            def drop_in_body():
                gw.fault = "drop-in-body"

            case("drop in body", drop_in_body, [FRIEND, PAL], r"deferred for friend")

            def drop_after_dot():
                gw.fault = "drop-after-dot"

            dots = gw.seen_dots
            case("drop after dot", drop_after_dot, [FRIEND, PAL], r"deferred for friend")
            check(gw.seen_dots >= dots + 2, "drop after dot: the gateway saw the final dot, then "
                  "the whole message again on retry (unacknowledged, so sent again)")

            def slow():
                gw.fault, gw.delay = "slow", 8

            case("slow gateway", slow, [FRIEND, PAL],
                 r"deferred for friend.*([Tt]ime|slow|speed)")

            # 550 for pal: settled at once, the error account gets the message with the reply.
            m = msg("rcpt 550", "carol@remote.test")
            add_remote_messages(d, "r-carol", [m])
            gw.rcpt_reply = lambda r: "550 5.1.1 no such user here" if r == PAL else None
            out = cycle("rcpt 550", 0)
            check(remote_count(d, "r-carol") == 0, "rcpt 550: the message leaves the remote", out)
            errors = root.delivered("errors")
            check(len(errors) == 1 and msgid(m).encode() in errors[0],
                  "rcpt 550: Pop3SyncErrorAccount got the message", out)
            check(re.search(rb"X-Psyncd-Relay-Error: <pal@other\.example> .*550 5\.1\.1",
                            errors[0]), "rcpt 550: with the gateway's reply", errors[0][:300])
            check(("%s" % msgid(m), FRIEND) in gw.taken, "rcpt 550: friend still got it", out)
            check(re.search(r"relayed 1, deferred 0, bounced 1", out), "--once counts it", out)
    print("relay faults: ok")


if __name__ == "__main__":
    main()
