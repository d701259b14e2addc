#!/usr/bin/env python3
"""Fetch benchmark: psyncd (--once), mpop and fetchmail download
the same Dovecot data through bench/proxy.py at 0 and 20 ms RTT.
Workloads: 10 accounts x 300 x 4 KB, and 1 account x 300 x 4 KB, plain; and at 20 ms the 10
accounts over POP3S (port 995 style, TLS from the first byte, certificate not checked by
either client: the test Dovecot's is self-signed). Everyone runs in keep
mode (psyncd Leave with its state wiped, mpop keep on + only_new off, fetchmail keep +
fetchall) so each run downloads everything. Every run writes into a directory of its own
and nothing is removed until the end (see fetch_bench.sh on deletes and ext4). Prints wall
times and psyncd/mpop ratios against the targets, the CPU per fetched message of psyncd and
mpop against its target, the CPU seconds that the fetcher, Dovecot
and the proxy used in each run, and how busy the whole machine was meanwhile (kernel
writeback included). They share this machine's CPUs, so Dovecot + proxy CPU / CPUs is a
floor under any fetcher's wall time here, printed beside each target, and so is the 3.5 RTT
handshake before the first message can arrive (the two roughly add up: little CPU is used
during the handshake).
fetchmail at 20 ms on 10 accounts (~127 s) is left out to bound time.

Usage: fetch_bench.py PSYNCD_BIN WORK_DIR"""
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
sys.path.insert(0, HERE)
from bench_proc import machine_busy_s, proc_cpu_s, start_proxy  # noqa: E402
from harness import dovecot  # noqa: E402
from psync_mailroot import MailRoot  # noqa: E402

ACCOUNTS, MESSAGES, SIZE = 10, 300, 4096
CPUS = len(os.sched_getaffinity(0))


def children_cpu_s():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


class CpuMeter:
    """CPU used during one run by the fetcher (its processes, reaped), Dovecot and the proxy:
    all three share this machine's CPUs, so their sum / CPUs bounds the wall time."""

    def __init__(self, dovecot_pid, proxy_pid):
        self.pids = (dovecot_pid, proxy_pid)
        self.runs = {}
        self.busy = {}  # name -> (CPU-seconds the whole machine was busy during the run, wall)

    def measure(self, name, fn):
        before = (children_cpu_s(), proc_cpu_s(self.pids[0], True), proc_cpu_s(self.pids[1]))
        busy0 = machine_busy_s()
        wall = fn()
        self.busy[name] = (machine_busy_s() - busy0, wall)
        time.sleep(0.2)  # Dovecot's master reaps its last pop3 processes
        after = (children_cpu_s(), proc_cpu_s(self.pids[0], True), proc_cpu_s(self.pids[1]))
        self.runs[name] = [b - a for a, b in zip(before, after)]
        return wall


def timed(cmd, **kw):
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=240, **kw)
    dt = time.monotonic() - t0
    if r.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"[:3000])
    return dt


def count_files(d):
    return sum(len(files) for _, _, files in os.walk(d))


_runs = [0]


def fresh_dir(work, stem):
    """A new directory name per run: no tool creates its files right after a big delete."""
    _runs[0] += 1
    return os.path.join(work, f"{stem}-{_runs[0]}")


class Psyncd:
    def __init__(self, binary, work, users):
        self.binary, self.work, self.users = binary, work, users

    def run(self, port, n, tls=False):
        self.root_dir = fresh_dir(self.work, "root")
        mr = MailRoot(self.root_dir, [f"user{i}" for i in range(1, n + 1)],
                      server_vars={"PsyncMaxPerHost": "10"})
        authtype = "POP3S,NoVerify,Leave" if tls else "Leave"
        mr.set_links([("ex.test", f"user{i}", f"127.0.0.1:{port}", f"user{i}", f"secret{i}",
                       authtype) for i in range(1, n + 1)])
        # A failed run is an error of the bench: the early end of a POP3S session it once
        # retried came from QUIT sent behind the last RETR, which psyncd no longer does
        # (docs/performance.md section 5.3).
        dt = timed([self.binary, "-Ms", self.root_dir, "--once", "-P-", "-B-", "-Yt", "10"])
        got = count_files(os.path.join(self.root_dir, "domains"))
        assert got == n * MESSAGES, f"psyncd delivered {got}"
        return dt


def mpop_conf(work, port, accounts, tls=False):
    lines = ["defaults", "keep on", "only_new off", "auth user"]
    lines += ["tls on", "tls_starttls off", "tls_certcheck off", ""] if tls else ["tls off", ""]
    for i in accounts:
        md = fresh_dir(work, f"mpop-md{i}")
        for s in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(md, s))
        lines += [f"account user{i}", "host 127.0.0.1", f"port {port}", f"user user{i}",
                  f"password secret{i}", f"delivery maildir {md}",
                  f"uidls_file {work}/mpop-uidls{i}", ""]
    path = os.path.join(work, f"mpoprc-{accounts[0]}-{len(accounts)}{'-tls' if tls else ''}")
    with open(path, "w") as f:
        f.write("\n".join(lines))
    os.chmod(path, 0o600)
    return path


def run_mpop_one(work, port, n, tls=False):
    conf = mpop_conf(work, port, list(range(1, n + 1)), tls)
    return timed(["mpop", "-C", conf, "-q", "--all-accounts"])


def run_mpop_parallel(work, port, n, tls=False):
    confs = [mpop_conf(work, port, [i], tls) for i in range(1, n + 1)]
    t0 = time.monotonic()
    procs = [subprocess.Popen(["mpop", "-C", c, "-q", "--all-accounts"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for c in confs]
    rcs = [p.wait(timeout=240) for p in procs]
    if any(rcs):
        raise RuntimeError(f"mpop failed: {rcs}")
    return time.monotonic() - t0


def run_fetchmail(work, port, n):
    rc = os.path.join(work, "fetchmailrc")
    with open(rc, "w") as f:
        f.write("set no bouncemail\n")
        for i in range(1, n + 1):
            f.write(f'poll 127.0.0.1 port {port} proto pop3 user "user{i}" '
                    f'password "secret{i}" keep fetchall sslproto ""\n')
    os.chmod(rc, 0o600)
    out = os.path.join(work, "fetchmail.bsmtp")
    return timed(["fetchmail", "-f", rc, "-N", "--nosyslog", "--bsmtp", out,
                  "-i", os.path.join(work, "fetchmail.ids")])


def main(argv):
    binary, work = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    os.makedirs(work, exist_ok=True)
    users = {f"user{i}": (f"secret{i}", [dovecot.make_message(i * 1000 + j, SIZE)
                                         for j in range(MESSAGES)])
             for i in range(1, ACCOUNTS + 1)}
    ps = Psyncd(binary, work, users)
    results, floors, cpu = {}, {}, {}
    with dovecot.Dovecot(os.path.join(work, "dv"), users) as d:
        # Warm-up, not timed: Dovecot builds its index and size cache on the first session of
        # each mailbox, and whoever came first would pay for it.
        run_mpop_parallel(work, d.pop3_port, ACCOUNTS)
        runs = [(0, ACCOUNTS, False), (0, 1, False), (10, ACCOUNTS, False), (10, 1, False),
                (10, ACCOUNTS, True)]
        for delay, n, tls in runs:
            proxy, port = start_proxy(d.pop3s_port if tls else d.pop3_port, delay)
            rtt = 2 * delay
            key = (rtt, n, tls)
            try:
                r, m = {}, CpuMeter(d.master_pid(), proxy.pid)
                r["psyncd"] = min(m.measure(f"psyncd {i}", lambda: ps.run(port, n, tls))
                                  for i in (1, 2))
                r["mpop"] = m.measure("mpop", lambda: run_mpop_one(work, port, n, tls))
                if n > 1:
                    r["mpop x10"] = m.measure("mpop x10",
                                              lambda: run_mpop_parallel(work, port, n, tls))
                if not (n > 1 and delay > 0) and not tls:
                    try:
                        r["fetchmail"] = run_fetchmail(work, port, n)
                    except RuntimeError as e:  # a peer's failure must not hide our figures
                        print(f"fetchmail failed: {str(e)[:300]}", file=sys.stderr)
                results[key] = r
                floors[key] = min((d_ + p_) for _, d_, p_ in m.runs.values()) / CPUS
                # The fetcher's own CPU (user + system of its processes), per message fetched.
                per_msg = {k: t / (n * MESSAGES) for k, (t, _, _) in m.runs.items()}
                cpu[key] = {"psyncd": min(v for k, v in per_msg.items() if k.startswith("psyncd")),
                            **{k: v for k, v in per_msg.items() if k.startswith("mpop")}}
                print(f"{n:2} x {MESSAGES} x {SIZE} B at {rtt:2} ms RTT{', POP3S' if tls else ''}: "
                      + ", ".join(f"{k} {v:.2f} s" for k, v in r.items()), flush=True)
                print("      CPU s (fetcher / dovecot / proxy): " + ", ".join(
                    f"{k} {t:.2f}/{d_:.2f}/{p_:.2f}" for k, (t, d_, p_) in m.runs.items()),
                    flush=True)
                print("      fetcher CPU per message: " + ", ".join(
                    f"{k} {1e6 * v:.0f} us" for k, v in cpu[key].items()), flush=True)
                print("      machine busy during the run, of CPUs x wall: " + ", ".join(
                    f"{k} {b:.2f}/{CPUS * w:.2f} CPU-s ({100 * b / (CPUS * w):.0f}%)"
                    for k, (b, w) in m.busy.items()), flush=True)
            finally:
                proxy.kill()
                proxy.wait(timeout=10)
    print()
    targets = [((20, ACCOUNTS, False), 0.25), ((0, ACCOUNTS, False), 0.5),
               ((20, 1, False), 0.5), ((20, ACCOUNTS, True), 0.4)]
    ok = True
    for (rtt, n, tls), target in targets:
        r = results[(rtt, n, tls)]
        best = min(v for k, v in r.items() if k.startswith("mpop"))
        ratio = r["psyncd"] / best
        ok = ok and ratio <= target
        # No message data can arrive before the greeting (half a round trip), CAPA, the
        # login with the listing, and the first RETR: 3.5 RTT for any POP3 client that waits
        # for PIPELINING in CAPA and for the UIDLs before it fetches (RFC 2449, Leave mode);
        # POP3S adds the TLS 1.3 handshake's round trip before the greeting.
        handshake = (4.5 if tls else 3.5) * rtt / 1000
        floor = handshake + floors[(rtt, n, tls)]
        print(f"{n:2} accounts at {rtt:2} ms{', POP3S' if tls else ''}: psyncd / best mpop = "
              f"{ratio:.2f} (target <= {target}) {'OK' if ratio <= target else 'MISSED'}; the "
              f"target time is {target * best:.2f} s, and Dovecot + proxy alone need >= "
              f"{floors[(rtt, n, tls)]:.2f} s of the {CPUS} CPUs, after a {handshake:.2f} s "
              f"handshake ({'4.5' if tls else '3.5'} RTT): >= {floor:.2f} s for a fetcher that "
              f"used no CPU at all (psyncd = {r['psyncd'] / floor:.2f} x that floor)")
    # CPU per fetched message against the mpop arrangement that used the least CPU.
    for key in ((20, ACCOUNTS, False), (20, ACCOUNTS, True)):
        c = cpu[key]
        least = min(v for k, v in c.items() if k.startswith("mpop"))
        ratio = c["psyncd"] / least
        ok = ok and ratio <= 0.25
        print(f"{key[1]:2} accounts at {key[0]:2} ms{', POP3S' if key[2] else ''}: psyncd CPU per "
              f"message {1e6 * c['psyncd']:.0f} us / mpop's least {1e6 * least:.0f} us = "
              f"{ratio:.2f} (target <= 0.25) {'OK' if ratio <= 0.25 else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
