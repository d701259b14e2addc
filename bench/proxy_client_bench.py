#!/usr/bin/env python3
"""Raw POP3 client speed: psyncd's client (tests/integration/pop3_client_probe) against
mpop, on one Dovecot account, with no added latency and through bench/proxy.py.

Usage: proxy_client_bench.py PROBE_BINARY [--messages 300] [--size 4096] [--delay-ms 10]
       [--runs 3]
Prints the median wall time of each client at 0 ms and at 2 x delay-ms RTT, and the
ratio mpop / psyncd. The probe stores each message as a plain file (no fsync) and mpop
delivers to a Maildir, so this measures the protocol side, not durable delivery.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from harness import dovecot, mpop  # noqa: E402


def timed(cmd):
    start = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed: {p.stdout} {p.stderr}")
    return time.monotonic() - start


def mpop_config(tmp, port):
    return mpop.write_rc(os.path.join(tmp, f"mpoprc.{port}"), port=port, user="user1",
                         password="secret1", maildir=os.path.join(tmp, "md"),
                         uidls_file=f"{tmp}/uidls", account="bench")


def measure(probe, tmp, port, runs):
    rc = mpop_config(tmp, port)
    ours = []
    for _ in range(runs):
        out = tempfile.mkdtemp(dir=tmp)  # new files each run, as mpop creates new files
        ours.append(timed([probe, "--port", str(port), "--user", "user1", "--pass", "secret1",
                           "--out", out]))
    theirs = []
    for _ in range(runs):
        if os.path.exists(os.path.join(tmp, "uidls")):
            os.unlink(os.path.join(tmp, "uidls"))
        theirs.append(timed(mpop.command(rc, "-q", "bench")))
    return statistics.median(ours), statistics.median(theirs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("probe")
    ap.add_argument("--messages", type=int, default=300)
    ap.add_argument("--size", type=int, default=4096)
    ap.add_argument("--delay-ms", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    dovecot.require_or_skip()
    msgs = [dovecot.make_message(i, args.size) for i in range(args.messages)]
    with tempfile.TemporaryDirectory(prefix="psyncd-bench-") as tmp:
        with dovecot.Dovecot(os.path.join(tmp, "dv"), {"user1": ("secret1", msgs)}) as d:
            proxy = subprocess.Popen([sys.executable, os.path.join(HERE, "proxy.py"), "--target",
                                      f"127.0.0.1:{d.pop3_port}", "--delay-ms", str(args.delay_ms)],
                                     stdout=subprocess.PIPE, text=True)
            try:
                proxy_port = int(proxy.stdout.readline().split()[1])
                for label, port in (("0 ms", d.pop3_port),
                                    (f"{2 * args.delay_ms:g} ms RTT", proxy_port)):
                    ours, theirs = measure(args.probe, tmp, port, args.runs)
                    print(f"{label}: psyncd client {ours:.2f} s, mpop {theirs:.2f} s, "
                          f"ratio {theirs / ours:.1f}x ({args.messages} x {args.size} B)")
            finally:
                proxy.terminate()
                proxy.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
