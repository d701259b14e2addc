#!/usr/bin/env python3
"""--xmail-handoff end to end: a real Dovecot holds mail for the four links of
samples/MAIL_ROOT.example; the built psyncd runs one cycle with --xmail-handoff. Every message
must become exactly one LMAIL drop file in spool/local/ (MAIL FROM, one RCPT TO per
recipient, an empty line, then the message byte for byte; the format and XMail's
case-insensitive verbs are in docs/xmail-formats.md §7.3), nothing may be delivered to a
Maildir, and no temp file may be left in spool/temp/. Then the same with the daemon
(-Yi 0): SIGHUP starts a cycle, SIGTERM ends it with exit 0.
Exit 0 pass, 1 fail, 77 skip (dovecot missing; CI=true: fail)."""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot  # noqa: E402
from psync_mailroot import add_remote_messages  # noqa: E402
from e2e_test import check, msg, psyncd_path, sample_root, wait_for  # noqa: E402

LMAIL = re.compile(rb"\AMAIL FROM:<([^>]*)>\r\n((?:RCPT TO:<[^>]*>\r\n)+)\r\n", re.S | re.I)


def drops(root):
    """{recipients tuple: [message bytes]} of spool/local/."""
    out = []
    d = os.path.join(root, "spool", "local")
    for name in sorted(os.listdir(d)):
        if name.startswith("."):
            continue
        with open(os.path.join(d, name), "rb") as f:
            data = f.read()
        m = LMAIL.match(data)
        check(m is not None, f"{name} starts with an LMAIL envelope", data[:300])
        rcpts = tuple(re.findall(rb"RCPT TO:<([^>]*)>", m.group(2), re.I))
        out.append((rcpts, data[m.end():]))
    return sorted(out)


def delivered(root):
    n = 0
    for a in ("alice", "bob"):
        for sub in ("new", "cur"):
            d = os.path.join(root, "domains", "example.test", a, "Maildir", sub)
            n += len([x for x in os.listdir(d) if not x.startswith(".")])
    return n


def main():
    dovecot.require_or_skip()
    psyncd = psyncd_path()
    a = [msg(f"handoff alice {i}", "alice@remote.example") for i in range(2)]
    b = [msg("handoff bob", "bob@remote.example")]
    t = [msg("handoff team", "alice@example.org")]
    li = [msg("handoff list", "bob@example")]
    want = sorted([((b"alice@example.test",), m) for m in a + t] +
                  [((b"bob@example.test",), m) for m in b + li])
    users = {"alice": ("remote-a", a), "bob": ("remote-b", b), "team": ("remote-c", t),
             "lists": ("remote-d", li)}
    with tempfile.TemporaryDirectory(prefix="psyncd-handoff-") as tmp:
        with dovecot.Dovecot(os.path.join(tmp, "dv"), users) as d:
            root = sample_root(tmp, d, "once")
            r = subprocess.run([psyncd, "-Ms", root, "--once", "--xmail-handoff", "-P-", "-B-"],
                               capture_output=True, text=True, timeout=120)
            check(r.returncode == 0, f"--once --xmail-handoff exit {r.returncode}",
                  r.stdout + r.stderr)
            got = drops(root)
            check(got == want, "one LMAIL drop per message, recipients and bytes exact",
                  f"got {[(g[0], len(g[1])) for g in got]}\nwant {[(w[0], len(w[1])) for w in want]}")
            check(delivered(root) == 0, "nothing delivered to a Maildir with --xmail-handoff")
            temp = [x for x in os.listdir(os.path.join(root, "spool", "temp"))
                    if not x.startswith(".")]
            check(temp == [], f"spool/temp/ left empty: {temp}")
            # The daemon: the Leave links' mail is still on the remote; a fresh MAIL_ROOT
            # (no msgsync state) fetches it again, as drop files (the CLR links' is gone).
            left = [w for w in want if w[0] == (b"bob@example.test",)]
            root2 = sample_root(tmp, d, "daemon")
            log = open(os.path.join(tmp, "daemon.log"), "w")
            p = subprocess.Popen([psyncd, "-Ms", root2, "-Yi", "0", "--xmail-handoff", "-P-",
                                  "-B-"], stdout=log, stderr=log)
            try:
                check(wait_for(lambda: drops(root2) == left, 60), "daemon hands off")
                # -Yi 0: only a trigger starts a cycle; SIGHUP is one.
                extra = msg("after SIGHUP", "alice@remote.example")
                add_remote_messages(d, "alice", [extra])
                time.sleep(1.5)
                check(drops(root2) == left, "no cycle without a trigger (-Yi 0)")
                p.send_signal(signal.SIGHUP)
                check(wait_for(lambda: len(drops(root2)) == len(left) + 1, 30),
                      "SIGHUP started a cycle", open(os.path.join(tmp, "daemon.log")).read())
                check(((b"alice@example.test",), extra) in drops(root2), "SIGHUP's message exact")
            finally:
                p.send_signal(signal.SIGTERM)
                rc = p.wait(timeout=30)
            check(rc == 0, f"daemon SIGTERM exit {rc}")
            check(delivered(root2) == 0, "daemon: nothing delivered to a Maildir")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
