#!/usr/bin/env python3
"""SIGTERM drains without losing or doubling mail: the psyncd daemon starts fetching a large
remote mailbox (local link, CLR: remote copies are deleted after download) from a real
Dovecot, gets SIGTERM mid-fetch and must exit 0 within 30 s; a following `psyncd --once`
fetches the rest. In the end every message is in the local Maildir exactly once and byte for
byte, and the remote mailbox is empty.
Exit 0 pass, 1 fail, 77 skip (dovecot missing; under CI=true a missing tool FAILS)."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot  # noqa: E402
from e2e_test import check, maildir_files, psyncd_path, sample_root, terminate, wait_for  # noqa: E402
from psync_mailroot import xmcrypt  # noqa: E402

COUNT = 1500


def main():
    dovecot.require_or_skip()
    psyncd = psyncd_path()
    mail = [dovecot.make_message(i, 8000, subject=f"drain {i}") for i in range(COUNT)]
    with tempfile.TemporaryDirectory(prefix="psyncd-drain-") as tmp:
        with dovecot.Dovecot(os.path.join(tmp, "dv"), {"alice": ("remote-a", mail)}) as d:
            root = sample_root(tmp, d, "root")
            with open(os.path.join(root, "pop3links.tab"), "w") as f:
                f.write(f'"example.test"\t"alice"\t"127.0.0.1:{d.pop3_port}"\t"alice"\t'
                        f'"{xmcrypt("remote-a")}"\t"CLR"\n')
            md = os.path.join(root, "domains", "example.test", "alice", "Maildir")
            log_path = os.path.join(tmp, "psyncd.log")
            with open(log_path, "w") as log:
                p = subprocess.Popen([psyncd, "-Ms", root, "-Yi", "0", "-P-", "-B-"],
                                     stdout=log, stderr=log)
                try:
                    check(wait_for(lambda: len(maildir_files(md)) > 0, 60),
                          "the daemon started fetching")
                finally:
                    rc = terminate(p)
            check(rc == 0, f"SIGTERM exit {rc}", open(log_path).read()[-3000:])
            first = len(maildir_files(md))
            print(f"fetched before SIGTERM stopped the daemon: {first} of {COUNT}")
            r = subprocess.run([psyncd, "-Ms", root, "--once", "-P-", "-B-"], capture_output=True,
                               text=True, timeout=180)
            check(r.returncode == 0, f"--once after SIGTERM exit {r.returncode}",
                  r.stdout + r.stderr)
            got = maildir_files(md)
            check(sorted(got) == sorted(mail),
                  f"every message exactly once, byte for byte ({len(got)} of {COUNT})")
            check(d.message_count("alice") == 0, "remote mailbox emptied")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
