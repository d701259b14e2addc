#!/usr/bin/env python3
"""Crash test for the SMTP relay: `psyncd --once` is SIGKILLed at random moments while it
fetches from a real Dovecot (through a 5 ms delay proxy) and relays to a real SMTP server
(python3-aiosmtpd); new remote mail arrives between runs. Each message is for carol, whose
mailproc.tab keeps a copy and redirects to friend@other.example. After one clean run:
  - nothing is lost: every message is in carol's mailbox once and reached the gateway for
    friend, and the remote mailbox is empty;
  - nothing is duplicated locally, and at the gateway nothing is duplicated beyond the
    documented window (a kill after the gateway's 250 and before the journal records it):
    every duplicate there must be matched by psyncd's own "was being sent when psyncd
    stopped" warning, and the figures are printed.
About a minute. Exit 0 pass, 1 fail, 77 skip (dovecot or aiosmtpd missing; CI=true: fail)."""
import collections
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot, kill_loop, smtp_gateway  # noqa: E402
from psync_mailroot import MailRoot, add_remote_messages, check, psyncd_bin, q  # noqa: E402
from e2e_test import msg  # noqa: E402
from relay_test import msgid  # noqa: E402

PROXY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "proxy.py")
KILLS = int(os.environ.get("RELAY_CRASH_KILLS", "40"))
FRIEND = "friend@other.example"


def batch(start, n):
    return [msg(f"relay crash {start + i}", "carol@remote.test",
                size=random.choice([1000, 4000, 20000])) for i in range(n)]


def main():
    dovecot.require_or_skip()
    smtp_gateway.require_aiosmtpd()
    seed = int(os.environ.get("RELAY_CRASH_SEED", str(int(time.time()))))
    random.seed(seed)
    print(f"seed {seed}, {KILLS} kills")
    sent = batch(0, 30)
    with tempfile.TemporaryDirectory(prefix="psyncd-relay-crash-") as tmp:
        with dovecot.Dovecot(os.path.join(tmp, "dv"), {"r-carol": ("pw", sent)}) as d, \
                smtp_gateway.AiosmtpdGateway(tmp) as gw:
            proxy = subprocess.Popen([sys.executable, PROXY, "--target",
                                      f"127.0.0.1:{d.pop3_port}", "--listen", "127.0.0.1:0",
                                      "--delay-ms", "5"], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
            try:
                port = int(proxy.stdout.readline().split()[1])
                root = MailRoot(os.path.join(tmp, "root"), ["carol"])
                root.write("domains/ex.test/carol/mailproc.tab",
                           q("mailbox") + q("redirect", FRIEND))
                root.write("server.tab", q("DefaultSMTPGateways", f"127.0.0.1:{gw.port}"))
                root.set_links([("?ex.test,remote.test", "l1", f"127.0.0.1:{port}", "r-carol",
                                 "pw", "CLR")])
                crash_loop(d, root, gw, sent, seed, tmp)
            finally:
                proxy.kill()
                proxy.wait(timeout=10)
    print("ok")
    return 0


def crash_loop(d, root, gw, sent, seed, tmp):
    cmd = [psyncd_bin(), "-Ms", root.path, "--once", "-P-", "-B-"]
    log_path = os.path.join(tmp, "runs.log")
    killed_mid_run = 0
    window = 0.3
    deadline = time.monotonic() + 150
    with open(log_path, "w") as log:
        for k in range(KILLS):
            check(time.monotonic() < deadline, "crash loop took too long")
            if k % 2 == 0:
                new = batch(1000 * (k + 1), 3)
                add_remote_messages(d, "r-carol", new)
                sent += new
            hit, window = kill_loop.run_and_kill(cmd, window, log, log, longest=0.6)
            killed_mid_run += hit
        r = subprocess.run(cmd, stdout=log, stderr=log, timeout=120)
    with open(log_path) as f:
        text = f.read()
    print(f"{killed_mid_run} of {KILLS} kills hit a running process")
    check(killed_mid_run >= KILLS // 2, "most kills must hit a running process")
    check(r.returncode == 0, f"clean run exit {r.returncode}", text[-3000:])
    want = collections.Counter(msgid(m) for m in sent)
    local = collections.Counter(msgid(m) for m in root.delivered("carol"))
    check(local == want, f"carol: {sum(local.values())} delivered, want {len(sent)}, "
          f"duplicates {sum(v - 1 for v in local.values() if v > 1)} (seed {seed})")
    at_gw = collections.Counter(mid for mid, r in gw.received() if r == FRIEND)
    lost = [m for m in want if at_gw[m] == 0]
    dups = sum(v - 1 for v in at_gw.values() if v > 1)
    resent = text.count("was being sent when psyncd stopped")
    print(f"gateway: {len(at_gw)} of {len(want)} messages, {len(lost)} lost, {dups} duplicated; "
          f"{resent} recipients announced as possibly sent twice")
    check(not lost, f"{len(lost)} messages never reached the gateway (seed {seed})")
    check(set(at_gw) == set(want), "the gateway got nothing that was not sent")
    check(dups <= resent, f"{dups} duplicates at the gateway but only {resent} announced "
          f"(seed {seed})", text[-3000:])
    check(d.message_count("r-carol") == 0, "the remote mailbox is empty")
    temps = [f for _, _, files in os.walk(os.path.join(root.path, "tmp")) for f in files]
    check(not temps, f"{len(temps)} temp or relay copy files left in MAIL_ROOT/tmp")


if __name__ == "__main__":
    sys.exit(main())
