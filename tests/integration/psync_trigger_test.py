#!/usr/bin/env python3
"""The PSYNC scheduler loop against a real Dovecot: with -Yi 0 the first cycle runs at
start-up, then only MAIL_ROOT/.psync-trigger starts one (removed before the cycle); a
disabled link (.disabled file) is skipped; SIGTERM ends the process with exit 0.
Exit 77 = skipped (dovecot missing, CI unset)."""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot  # noqa: E402
from psync_mailroot import (MailRoot, add_remote_messages, check, psyncd_bin,  # noqa: E402
                            wait_for)


def main():
    dovecot.require_or_skip()
    first = [dovecot.make_message(i, 1500, subject=f"first {i}") for i in range(3)]
    with tempfile.TemporaryDirectory(prefix="psyncd-trigger-") as tmp:
        d = dovecot.Dovecot(os.path.join(tmp, "dv"), {"u1": ("pw1", first), "u2": ("pw2", [])})
        with d:
            mr = MailRoot(os.path.join(tmp, "root"), ["u1", "u2"])
            server = f"127.0.0.1:{d.pop3_port}"
            mr.set_links([("ex.test", "u1", server, "u1", "pw1", ""),
                          ("ex.test", "u2", server, "u2", "pw2", "")])
            # u2's link is disabled: <rmt-user>@<rmt-domain>.disabled in the account directory
            # (docs/xmail-formats.md §3.5).
            disabled = os.path.join(mr.path, "domains", "ex.test", "u2", f"u2@{server}.disabled")
            with open(disabled, "w") as f:
                f.write("23 Nov 2026 10:00:00 UTC\n")
            add_remote_messages(d, "u2", [dovecot.make_message(50, 800)])
            log = open(os.path.join(tmp, "psyncd.log"), "w")
            p = subprocess.Popen([psyncd_bin(), "-Ms", mr.path, "-Yi", "0", "-P-", "-B-"],
                                 stdout=log, stderr=log)
            try:
                check(wait_for(lambda: len(mr.delivered("u1")) == 3), "start-up cycle ran")
                second = [dovecot.make_message(10, 900, subject="second")]
                add_remote_messages(d, "u1", second)
                time.sleep(1.5)
                check(len(mr.delivered("u1")) == 3, "no cycle without the trigger (-Yi 0)")
                trigger = os.path.join(mr.path, ".psync-trigger")
                with open(trigger, "w") as f:
                    f.write("go")
                check(wait_for(lambda: not os.path.exists(trigger), 5), "trigger consumed")
                check(wait_for(lambda: len(mr.delivered("u1")) == 4), "triggered cycle ran")
                check(mr.delivered("u1") == sorted(first + second), "messages byte for byte")
                check(mr.delivered("u2") == [] and d.message_count("u2") == 1,
                      "disabled link skipped")
            finally:
                p.send_signal(signal.SIGTERM)
                rc = p.wait(timeout=30)
            check(rc == 0, f"SIGTERM exit {rc}")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
