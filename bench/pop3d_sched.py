#!/usr/bin/env python3
"""Is psyncd's POP3 server the limit of the full-download bench, and why? Runs the bench's
full phase (same lean driver, DRIVERS processes) against psyncd-pop3d-test for 4 s and
prints, from /proc/<pid>/task/*/schedstat, the share of each second each event-loop thread
spent on a CPU and runnable but waiting for one (other load on the machine). On CPU +
waiting near 1.0 means that thread is saturated. Environment: PSYNCD_BINARY_DIR (build dir),
FULL_CLIENTS (8), POP3D_THREADS (server.tab Pop3Threads; default one loop per CPU)."""
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
sys.path.insert(0, HERE)
import pop3d_bench as B  # noqa: E402
import pop3d_root  # noqa: E402


def schedstat(pid):
    """{thread id: (on-CPU ns, waiting ns)} for every thread of the process."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            on_cpu_ns, waiting_ns, _ = (int(x) for x in
                                        open(f"/proc/{pid}/task/{tid}/schedstat").read().split())
        except OSError:
            continue
        out[tid] = (on_cpu_ns, waiting_ns)
    return out


def main():
    clients = int(os.environ.get("FULL_CLIENTS", "8"))
    messages = [pop3d_root.make_message(i, B.SIZE) for i in range(B.MESSAGES)]
    users = [(f"user{k}", f"secret{k}") for k in range(clients)]
    with tempfile.TemporaryDirectory(prefix="psyncd-pop3d-sched-") as tmp:
        root = pop3d_root.MailRoot(os.path.join(tmp, "root"))
        for user, password in users:
            root.add_user(user, password)
            for m in messages:
                root.add_message(user, m)
        if os.environ.get("POP3D_THREADS"):
            with open(os.path.join(root.path, "server.tab"), "a") as f:
                f.write(f'"Pop3Threads"\t"{os.environ["POP3D_THREADS"]}"\n')
        with pop3d_root.Server(root, "--quiet") as srv:
            before, t0 = schedstat(srv.proc.pid), time.monotonic()
            stats = B.run_phase_mp("full", srv.pop3, users, clients, 4)
            after, elapsed = schedstat(srv.proc.pid), time.monotonic() - t0
    threads = []
    for tid, (cpu1, wait1) in sorted(after.items()):
        cpu0, wait0 = before.get(tid, (0, 0))
        if cpu1 - cpu0 > 0:
            threads.append(f"on CPU {(cpu1 - cpu0) / 1e9 / elapsed:.2f} + waiting "
                           f"{(wait1 - wait0) / 1e9 / elapsed:.2f}")
    print(f"{stats['sessions'] / stats['elapsed']:.0f} full sessions/s, errors {stats['errors']}; "
          f"server threads per second: {'; '.join(threads)}; driver "
          f"{stats['driver_cpu_s'] / elapsed:.2f} cores; load average {os.getloadavg()[0]:.1f}")

if __name__ == "__main__":
    main()
