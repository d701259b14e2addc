#!/usr/bin/env python3
"""Crash test: `psyncd --once` is killed with SIGKILL at >= 50 random moments (drawn from a
window that starts at 0-300 ms after start and adapts to how long a run lasts on this machine)
while it fetches from a real Dovecot; new remote mail
arrives between runs. Then one clean run, and every message must be in its local mailbox
exactly once, byte for byte, the delete-mode remote mailboxes empty and the Leave one full.
Bounded time: about a minute. Exit 77 = skipped (dovecot missing, CI unset)."""
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot, kill_loop  # noqa: E402
from psync_mailroot import MailRoot, add_remote_messages, check, psyncd_bin  # noqa: E402

USERS = [("del1", ""), ("del2", "APOP"), ("keep", "Leave")]
PROXY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "proxy.py")
KILLS = int(os.environ.get("PSYNC_CRASH_KILLS", "60"))


def batch(user, start, n):
    # Mixed sizes (1 KB - 60 KB) so kills land mid-RETR as well as between steps.
    return [dovecot.make_message(start + i, random.choice([1000, 4000, 20000, 60000]),
                                 subject=f"{user} #{start + i}") for i in range(n)]


def main():
    dovecot.require_or_skip()
    seed = int(os.environ.get("PSYNC_CRASH_SEED", str(int(time.time()))))
    random.seed(seed)
    print(f"seed {seed}, {KILLS} kills")
    sent = {u: batch(u, 0, 40) for u, _ in USERS}
    with tempfile.TemporaryDirectory(prefix="psyncd-crash-") as tmp:
        d = dovecot.Dovecot(os.path.join(tmp, "dv"), {u: ("pw", sent[u]) for u, _ in USERS})
        with d:
            mr = MailRoot(os.path.join(tmp, "root"), [u for u, _ in USERS])
            # A 10 ms RTT proxy makes each run last long enough for kills to land inside it.
            proxy = subprocess.Popen([sys.executable, PROXY, "--target",
                                      f"127.0.0.1:{d.pop3_port}", "--listen", "127.0.0.1:0",
                                      "--delay-ms", "5"], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
            try:
                port = int(proxy.stdout.readline().split()[1])
                crash_loop(d, mr, port, sent, seed)
            finally:
                proxy.kill()
                proxy.wait(timeout=10)
    print("ok")
    return 0


def crash_loop(d, mr, port, sent, seed):
    """SIGKILLs psyncd at random moments, then one clean run; checks the store."""
    mr.set_links([("ex.test", u, f"127.0.0.1:{port}", u, "pw", a) for u, a in USERS])
    cmd = [psyncd_bin(), "-Ms", mr.path, "--once", "-P-", "-B-", "-Yt", "3"]
    killed_mid_run = 0
    window = 0.3  # kill moments are drawn from [0, window) seconds after start; adapts below
    deadline = time.monotonic() + 150
    for k in range(KILLS):
        check(time.monotonic() < deadline, "crash loop took too long")
        if k % 2 == 0:
            for u, _ in USERS:
                new = batch(u, 1000 * (k + 1), 4)
                add_remote_messages(d, u, new)
                sent[u] += new
        hit, window = kill_loop.run_and_kill(cmd, window)
        killed_mid_run += hit
    print(f"{killed_mid_run} of {KILLS} kills hit a running process")
    check(killed_mid_run >= KILLS // 2, "most kills must hit a running process")
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, f"clean run exit {r.returncode}", r.stdout + r.stderr)
    for u, auth in USERS:
        got = mr.delivered(u)
        want = sorted(sent[u])
        dups = len(got) - len(set(got))
        check(dups == 0, f"{u}: {dups} duplicates (seed {seed})")
        check(got == want, f"{u}: {len(got)} delivered, want {len(want)} (seed {seed})")
        left = d.message_count(u)
        want_left = len(sent[u]) if auth == "Leave" else 0
        check(left == want_left, f"{u}: {left} left on the server, want {want_left}")
    locks = os.listdir(os.path.join(mr.path, "pop3linklocks"))
    check(not locks, f"stale locks left: {locks}")
    temps = [f for _, _, files in os.walk(os.path.join(mr.path, "tmp")) for f in files]
    check(not temps, f"{len(temps)} temp files left in MAIL_ROOT/tmp")


if __name__ == "__main__":
    sys.exit(main())
