#!/usr/bin/env python3
"""domains/ and spool/ on file systems of their own (a tmpfs mounted over each, as root)
against a real Dovecot: psyncd --once delivers into the Maildirs, and with --xmail-handoff
into spool/local, staging each message on its target's file system (no EXDEV); --check says
nothing new about that tree. A Maildir whose new/ is a mount point apart from its tmp/ is a
boundary no delivery can cross: --check warns about it, and that account's mail stays on the
server with the reason in the log.
Exit 77 = skipped (dovecot missing, or mount not permitted, CI unset)."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot  # noqa: E402
from psync_mailroot import MailRoot, check, psyncd_bin  # noqa: E402


def skip_or_fail(why):
    if os.environ.get("CI") == "true":
        print(f"FAIL: {why} and CI=true", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {why}", file=sys.stderr)
    sys.exit(77)


class Mounts:
    """tmpfs mounts made by this test, unmounted in reverse order on exit."""

    def __init__(self):
        self.points = []

    def tmpfs(self, path):
        os.makedirs(path, exist_ok=True)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", path],
                           capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            return r.stderr.strip() or f"mount exited {r.returncode}"
        self.points.append(path)
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for p in reversed(self.points):
            if subprocess.run(["umount", p], timeout=30).returncode != 0:
                subprocess.run(["umount", "-l", p], timeout=30)


def check_output(mr):
    r = subprocess.run([psyncd_bin(), "--check", "-Ms", mr.path], capture_output=True, text=True,
                       timeout=60)
    return r.stdout + r.stderr


def make_maildirs(mr, accounts):
    for a in accounts:
        for sub in ("new", "cur", "tmp"):
            os.makedirs(mr.maildir(a, sub), exist_ok=True)


def no_temp_files(mr):
    left = []
    for top, _dirs, files in os.walk(os.path.join(mr.path, "tmp")):
        left += [os.path.join(top, f) for f in files]
    return left


def main():
    dovecot.require_or_skip()
    if os.geteuid() != 0:
        skip_or_fail("mounting a tmpfs needs root")
    msgs1 = [dovecot.make_message(i, 2000, subject=f"one {i}") for i in range(3)]
    msgs2 = [dovecot.make_message(10 + i, 1500, subject=f"two {i}") for i in range(2)]
    msgs3 = [dovecot.make_message(20 + i, 1200, subject=f"three {i}") for i in range(2)]
    with tempfile.TemporaryDirectory(prefix="psyncd-mounts-") as tmp, Mounts() as mounts:
        d = dovecot.Dovecot(os.path.join(tmp, "dv"), {"u1": ("pw1", msgs1), "u2": ("pw2", msgs2),
                                                      "u3": ("pw3", msgs3)})
        with d:
            mr = MailRoot(os.path.join(tmp, "root"), ["u1", "u2", "u3"])
            before = check_output(mr)
            err = mounts.tmpfs(os.path.join(mr.path, "domains"))
            if err:
                skip_or_fail(f"cannot mount a tmpfs: {err}")
            make_maildirs(mr, ["u1", "u2", "u3"])
            check(check_output(mr) == before, "--check: domains/ on its own file system is fine",
                  check_output(mr))

            server = f"127.0.0.1:{d.pop3_port}"
            mr.set_links([("ex.test", "u1", server, "u1", "pw1", "")])
            r = mr.run()
            check(r.returncode == 0, f"--once to a mounted domains/ exits {r.returncode}",
                  r.stdout + r.stderr)
            check(mr.delivered("u1") == sorted(msgs1), "every message in Maildir/new",
                  r.stdout + r.stderr)
            check(d.message_count("u1") == 0, "deleted on the server")
            check("cross-device" not in r.stdout + r.stderr, "no EXDEV", r.stdout + r.stderr)
            check(no_temp_files(mr) == [], "no temp file left", str(no_temp_files(mr)))

            # A boundary no delivery can cross: u2's new/ is a mount of its own.
            err = mounts.tmpfs(mr.maildir("u2", "new"))
            check(err is None, f"mount over u2's Maildir/new: {err}")
            out = check_output(mr)
            want = ("warning: domains/ex.test/u2/Maildir/new: is on another file system than "
                    "domains/ex.test/u2/Maildir/tmp (a mount point between them): fetched mail "
                    "cannot be delivered to it")
            check(want in out, "--check warns about new/ apart from tmp/", out)
            check("Maildir/cur (a mount point between them)" in out,
                  "--check warns about new/ apart from cur/", out)
            mr.set_links([("ex.test", "u2", server, "u2", "pw2", "")])
            r = mr.run()
            text = r.stdout + r.stderr
            check("no temp directory there to stage messages in" in text,
                  "the log says why u2's mail is not stored", text)
            check(d.message_count("u2") == 2 and mr.delivered("u2") == [],
                  "u2's mail stays on the server", text)

            # spool/ on its own file system: --xmail-handoff drop files.
            err = mounts.tmpfs(os.path.join(mr.path, "spool"))
            check(err is None, f"mount over spool/: {err}")
            for sub in ("local", "temp"):
                os.makedirs(os.path.join(mr.path, "spool", sub), exist_ok=True)
            mr.set_links([("@ex.test", "u3", server, "u3", "pw3", "")])
            r = mr.run("--xmail-handoff")
            text = r.stdout + r.stderr
            check(r.returncode == 0, f"--once --xmail-handoff exits {r.returncode}", text)
            drops = os.listdir(os.path.join(mr.path, "spool", "local"))
            check(len(drops) == 2, f"two LMAIL drop files in spool/local ({drops})", text)
            check(d.message_count("u3") == 0, "u3's mail deleted on the server", text)
            check(no_temp_files(mr) == [], "no temp file left", str(no_temp_files(mr)))
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
