#!/usr/bin/env python3
"""End to end: a real Dovecot holds mail for four remote accounts; the psyncd daemon (-Yi 2,
on a copy of samples/MAIL_ROOT.example whose links are pointed at that Dovecot) fetches it
through every link kind (local, '@', '?', '&'); mpop then retrieves it from psyncd's own POP3
server. Every message must arrive exactly once and byte-identical (mpop's Maildir delivery
turns CRLF into LF, so both sides are compared with LF line ends); the daemon is stopped with
SIGTERM (exit 0) and nothing is left running. Also: a second daemon on the same MAIL_ROOT is
refused, and --status prints one line per link.
Exit 0 pass, 1 fail, 77 skip (dovecot or mpop missing; under CI=true a missing tool FAILS)."""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot, mpop  # noqa: E402
from psync_mailroot import wait_for  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "..", "samples", "MAIL_ROOT.example")


def fail(what, extra=""):
    print(f"FAIL: {what}\n{extra}", file=sys.stderr)
    sys.exit(1)


def check(cond, what, extra=""):
    if not cond:
        fail(what, extra)


def psyncd_path():
    build = os.environ.get("PSYNCD_BINARY_DIR", "")
    path = os.path.join(build, "app", "psyncd")
    check(os.path.exists(path), f"psyncd binary not found at {path} (PSYNCD_BINARY_DIR)")
    return path


def require(tool):
    if shutil.which(tool):
        return
    if os.environ.get("CI") == "true":
        fail(f"{tool} is not installed and CI=true")
    print(f"SKIP: {tool} is not installed", file=sys.stderr)
    sys.exit(77)


def msg(subject, to, size=1200):
    head = (f"From: sender@example.org\r\nTo: {to}\r\nSubject: {subject}\r\n"
            f"Message-ID: <{subject.replace(' ', '.')}.{time.time_ns()}@example.org>\r\n\r\n")
    body = "".join(f"{subject} line {i} " + "y" * 50 + "\r\n" for i in range(size // 70))
    return (head + body).encode()


def sample_root(tmp, d, name):
    """A copy of samples/MAIL_ROOT.example at tmp/name whose links point at Dovecot `d`."""
    root = os.path.join(tmp, name)
    shutil.copytree(SAMPLE, root)
    links = os.path.join(root, "pop3links.tab")
    with open(links) as f:
        text = f.read()
    with open(links, "w") as f:
        f.write(text.replace("127.0.0.1:11110", f"127.0.0.1:{d.pop3_port}"))
    return root


def terminate(p, seconds=30):
    """SIGTERM, then the exit status; "timeout" (after a SIGKILL) when it did not stop."""
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    try:
        return p.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        return "timeout"


def maildir_files(path):
    out = []
    for sub in ("new", "cur"):
        d = os.path.join(path, sub)
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if name.startswith("."):
                continue
            with open(os.path.join(d, name), "rb") as f:
                out.append(f.read())
    return out


def lf(data):
    return data.replace(b"\r\n", b"\n")


def mpop_fetch(tmp, port, user, password):
    md = os.path.join(tmp, f"mpop-{user}")
    rc = mpop.write_rc(os.path.join(tmp, f"mpoprc-{user}"), port=port, user=user,
                       password=password, maildir=md, uidls_file=f"{tmp}/mpop-{user}.uidls")
    r = mpop.run(rc, "-q", text=True)
    check(r.returncode == 0, f"mpop {user} exit {r.returncode}", r.stderr)
    return maildir_files(md)


def main():
    dovecot.require_or_skip()
    require("mpop")
    psyncd = psyncd_path()
    # What each remote account holds and where each message must end up.
    alice_mail = [msg(f"for alice {i}", "alice@remote.example") for i in range(3)]
    bob_mail = [msg(f"for bob {i}", "bob@remote.example") for i in range(2)]
    team_mail = [msg("team to alice", "alice@example.org"), msg("team to bob", "bob@example.org")]
    lists_mail = [msg("list to bob", "bob@example")]
    want = {"alice": alice_mail + [team_mail[0]],
            "bob": bob_mail + [team_mail[1], lists_mail[0]]}
    with tempfile.TemporaryDirectory(prefix="psyncd-e2e-") as tmp:
        users = {"alice": ("remote-a", alice_mail), "bob": ("remote-b", bob_mail),
                 "team": ("remote-c", team_mail), "lists": ("remote-d", lists_mail)}
        with dovecot.Dovecot(os.path.join(tmp, "dv"), users) as d:
            root = sample_root(tmp, d, "root")
            port = dovecot.free_port()
            log_path = os.path.join(tmp, "psyncd.log")
            log = open(log_path, "w")
            p = subprocess.Popen([psyncd, "-Ms", root, "-Yi", "2", "-Pp", str(port), "-B-"],
                                 stdout=log, stderr=log)
            try:
                def arrived():
                    return all(len(maildir_files(os.path.join(
                        root, "domains", "example.test", a, "Maildir"))) >= len(m)
                        for a, m in want.items())
                check(wait_for(arrived, 60), "mail of every link arrived", open(log_path).read())
                # Two more cycles (-Yi 2): nothing may arrive twice ('Leave' links keep mail).
                time.sleep(5)
                second = subprocess.run([psyncd, "-Ms", root, "-Pp", str(dovecot.free_port())],
                                        capture_output=True, text=True, timeout=30)
                check(second.returncode != 0 and "already running" in second.stderr,
                      "a second psyncd on the same MAIL_ROOT is refused", second.stderr)
                for account, password in (("alice", "alice-secret"), ("bob", "bob-secret")):
                    got = mpop_fetch(tmp, port, f"{account}@example.test", password)
                    check(sorted(map(lf, got)) == sorted(map(lf, want[account])),
                          f"{account}: every message exactly once, byte-identical through mpop",
                          f"got {len(got)} want {len(want[account])}\n" + open(log_path).read())
                status = subprocess.run([psyncd, "--status", "-Ms", root], capture_output=True,
                                        text=True, timeout=30)
                lines = status.stdout.splitlines()
                check(status.returncode == 0 and len(lines) == 4 and
                      all(re.search(r": last ok at .* msgs .* next poll ", ln) for ln in lines),
                      "--status: one ok line per link", status.stdout + status.stderr)
                check(d.message_count("alice") == 0 and d.message_count("team") == 0,
                      "CLR links deleted their remote mail")
                check(d.message_count("bob") == 2 and d.message_count("lists") == 1,
                      "Leave links kept their remote mail")
            finally:
                rc = terminate(p)
            check(rc == 0, f"SIGTERM exit {rc}", open(log_path).read())
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
