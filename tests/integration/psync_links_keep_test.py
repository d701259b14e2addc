#!/usr/bin/env python3
"""The daemon keeps the last good pop3links.tab against a real Dovecot: after the file is
half-written (a link's line cut off), triggered cycles still fetch with the last good table,
psyncd --status shows the file's problem on a line of its own, and the log says it once, not
once per cycle; a fixed file is used again and the status line goes.
Exit 77 = skipped (dovecot missing, CI unset)."""
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot  # noqa: E402
from psync_mailroot import (MailRoot, add_remote_messages, check, psyncd_bin,  # noqa: E402
                            wait_for)


def trigger_cycle(mr, log_path, cycles_before):
    """Starts a cycle with .psync-trigger and waits until the log shows its link lines."""
    with open(os.path.join(mr.path, ".psync-trigger"), "w") as f:
        f.write("go")
    return wait_for(lambda: count(log_path, "psync: u1@") > cycles_before, 20)


def count(path, needle):
    with open(path, errors="replace") as f:
        return f.read().count(needle)


def status(mr):
    r = subprocess.run([psyncd_bin(), "--status", "-Ms", mr.path], capture_output=True,
                       text=True, timeout=30)
    return r.stdout + r.stderr


def main():
    dovecot.require_or_skip()
    with tempfile.TemporaryDirectory(prefix="psyncd-keep-") as tmp:
        d = dovecot.Dovecot(os.path.join(tmp, "dv"),
                            {"u1": ("pw1", [dovecot.make_message(0, 900)]), "u2": ("pw2", [])})
        with d:
            mr = MailRoot(os.path.join(tmp, "root"), ["u1", "u2"])
            server = f"127.0.0.1:{d.pop3_port}"
            mr.set_links([("ex.test", "u1", server, "u1", "pw1", ""),
                          ("ex.test", "u2", server, "u2", "pw2", "")])
            with open(os.path.join(mr.path, "pop3links.tab")) as f:
                good = f.read()
            log_path = os.path.join(tmp, "psyncd.log")
            log = open(log_path, "w")
            p = subprocess.Popen([psyncd_bin(), "-Ms", mr.path, "-Yi", "0", "-P-", "-B-"],
                                 stdout=log, stderr=log)
            try:
                check(wait_for(lambda: len(mr.delivered("u1")) == 1), "start-up cycle ran")
                check(wait_for(lambda: "u2@" in status(mr)), "--status lists both links")
                # Half-written: the second link's line is cut off in its password field.
                mr.write("pop3links.tab", good[:good.rindex('"\t"') - 4])
                for i in range(3):
                    add_remote_messages(d, "u2", [dovecot.make_message(10 + i, 700)])
                    check(trigger_cycle(mr, log_path, count(log_path, "psync: u1@")),
                          f"cycle {i + 1} with the broken file ran", open(log_path).read())
                    check(wait_for(lambda: len(mr.delivered("u2")) == i + 1),
                          f"u2's link still runs (cycle {i + 1})", open(log_path).read())
                out = status(mr)
                check("pop3links.tab: NOT USED: " in out and
                      "the last good table stays in use (2 links)" in out,
                      "--status shows why pop3links.tab is not used", out)
                check(count(log_path, "NOT USED: ") == 1, "logged once, not per cycle",
                      open(log_path).read())
                mr.write("pop3links.tab", good)
                check(trigger_cycle(mr, log_path, count(log_path, "psync: u1@")),
                      "cycle with the fixed file ran")
                check(wait_for(lambda: "NOT USED" not in status(mr)),
                      "the status line goes once the file is good", status(mr))
            finally:
                p.send_signal(signal.SIGTERM)
                rc = p.wait(timeout=30)
            check(rc == 0, f"SIGTERM exit {rc}")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
