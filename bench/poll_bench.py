#!/usr/bin/env python3
"""Poll benchmark: what a fetcher pays for polling many mostly empty remote mailboxes, the
work a PSYNC daemon does all day.

One private Dovecot holds N accounts; 1 % of them carry 5 x 4 KB messages before each run,
the rest are empty. Every tool polls every account once, over POP3S or STLS with the
server's certificate verified, through bench/proxy.py (0 or 20 ms RTT), fetching and deleting
what is there:

  psyncd --once   one process, -Yt 32 workers, product defaults otherwise
  psyncd daemon   the same links polled by a running daemon: its second and third cycles
                  (started with MAIL_ROOT/.psync-trigger), timed by the daemon's own
                  "psync cycle: ... s" line, CPU and RSS read from /proc
  mpop            one process, all accounts in turn (--all-accounts)
  mpop -P 32      xargs -P 32, one mpop per account
  fetchmail -d    fetchmail's daemon: one poll cycle after SIGUSR1 (200-link POP3S only)

  baseline --once psyncd --once with another build (--baseline BIN), to measure a change

"4 servers" spreads the links over 4 proxies on 127.0.0.1-4 (four remote hosts to psyncd's
per-host limit). "system CAs" runs psyncd alone without MAIL_ROOT/certs.pem, so each link is
verified against libcurl's built-in CA bundle (and fails, the test server not being in it):
it measures what loading and using the system CAs costs per link. Prints wall seconds, CPU
per link, peak RSS and psyncd / best mpop for each workload, and checks the target of
docs/performance.md ("Polling many links").

Usage: poll_bench.py PSYNCD_BIN WORK_DIR [--quick] [--baseline OTHER_PSYNCD_BIN]
  --quick: the 200-link POP3S workloads only
"""
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
sys.path.insert(0, HERE)
from bench_proc import machine_busy_s, proc_cpu_s, start_proxy, tree_cpu_s  # noqa: E402
from harness import dovecot  # noqa: E402
from psync_mailroot import MailRoot, add_remote_messages  # noqa: E402

CPUS = len(os.sched_getaffinity(0))
WORKERS = 32
MAIL_EVERY = 100  # one account in this many carries mail
MAIL_PER_ACCOUNT, SIZE = 5, 4096
TIMEOUT = 300


def proc_hwm_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def run_measured(cmd, stdin_text=None):
    """Runs cmd to its end: (wall s, CPU s, peak RSS MB, exit status, stderr text), CPU and
    RSS covering the process and every descendant it waited for (wait4's rusage), so an xargs
    run counts all its mpops."""
    with tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin_text else subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=err)
        if stdin_text:
            p.stdin.write(stdin_text.encode())
            p.stdin.close()
        timer = threading.Timer(TIMEOUT, p.kill)
        timer.start()
        _, status, ru = os.wait4(p.pid, 0)
        timer.cancel()
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        err.seek(0)
        text = err.read().decode(errors="replace")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, p.returncode, text


def write_cert(directory):
    """Dovecot's certificate, valid for the four proxy addresses (the harness's own names
    only 127.0.0.1)."""
    os.makedirs(directory, exist_ok=True)
    sans = ",".join(["DNS:localhost"] + [f"IP:127.0.0.{i}" for i in range(1, 5)])
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
                    "/CN=localhost", "-days", "30", "-addext", f"subjectAltName={sans}",
                    "-keyout", os.path.join(directory, "key.pem"),
                    "-out", os.path.join(directory, "cert.pem")],
                   check=True, capture_output=True, timeout=60)


class Workload:
    def __init__(self, name, links, tls, delay_ms, servers=1, peers=("mpop -P 32",),
                 target=None, system_cas=False):
        self.name, self.links, self.tls, self.delay_ms = name, links, tls, delay_ms
        self.servers, self.peers, self.target = servers, peers, target
        self.system_cas = system_cas


def delta(before, after):
    return [b - a for a, b in zip(before, after)]


class Bench:
    side = staticmethod(lambda: (0.0, 0.0, 0.0))  # set by run_workload

    def __init__(self, binary, work, dv, endpoints, wl):
        self.binary, self.work, self.dv, self.endpoints, self.wl = binary, work, dv, endpoints, wl
        self.n = wl.links
        self.runs = 0
        self.cert = os.path.join(dv.dir, "cert.pem")

    def endpoint(self, i):
        return self.endpoints[(i - 1) % len(self.endpoints)]

    def mail_users(self):
        return [i for i in range(1, self.n + 1) if i % MAIL_EVERY == 1]

    def refill(self):
        """The mail-carrying accounts get new messages (every tool deletes what it fetched),
        under names never used before, so no tool takes them for ones it has seen."""
        for i in self.mail_users():
            add_remote_messages(self.dv, f"user{i}", [dovecot.make_message(i * 100 + j, SIZE)
                                                     for j in range(MAIL_PER_ACCOUNT)])
        return len(self.mail_users()) * MAIL_PER_ACCOUNT

    def fresh(self, stem):
        self.runs += 1
        return os.path.join(self.work, f"{stem}-{self.runs}")

    # --- psyncd -----------------------------------------------------------------------------
    def mail_root(self):
        root = self.fresh("root")
        mr = MailRoot(root, [f"user{i}" for i in range(1, self.n + 1)])
        auth = "POP3S" if self.wl.tls == "pop3s" else "STLS"
        mr.set_links([("ex.test", f"user{i}", "{}:{}".format(*self.endpoint(i)), f"user{i}",
                       f"secret{i}", auth) for i in range(1, self.n + 1)])
        with open(self.cert) as src, open(os.path.join(root, "certs.pem"), "w") as dst:
            dst.write(src.read())
        return root

    def delivered(self, root):
        return sum(len(files) for _, _, files in os.walk(os.path.join(root, "domains")))

    def psyncd_once(self, binary=None):
        root = self.mail_root()
        # With system CAs no link gets past the handshake: mail given now would stay behind.
        expect = 0 if self.wl.system_cas else self.refill()
        if self.wl.system_cas:
            # No certs.pem: every link is checked against libcurl's built-in CA bundle, which
            # does not hold the test server's certificate, so each fails after the handshake.
            os.unlink(os.path.join(root, "certs.pem"))
        side0 = self.side()
        wall, cpu, rss, rc, err = run_measured([binary or self.binary, "-Ms", root, "--once",
                                                "-P-", "-B-", "-Yt", str(WORKERS)])
        side = delta(side0, self.side())
        if self.wl.system_cas:
            refused = err.count("certificate")
            if rc != 75 or refused < self.n:
                raise RuntimeError(f"psyncd --once with system CAs: exit {rc}, {refused} "
                                   f"certificate errors for {self.n} links\n{err[-2000:]}")
            return wall, cpu, rss, side
        if rc != 0 or self.delivered(root) != expect:
            raise RuntimeError(f"psyncd --once: exit {rc}, delivered {self.delivered(root)} of "
                               f"{expect}\n{err[-2000:]}")
        return wall, cpu, rss, side

    def psyncd_daemon(self, cycles=2):
        """The daemon's cycles after its first: the state it is in all day."""
        root = self.mail_root()
        log_path = os.path.join(root, "daemon.log")
        expect = self.refill()
        with open(log_path, "w") as log:
            p = subprocess.Popen([self.binary, "-Ms", root, "-P-", "-B-", "-Yi", "3600",
                                  "-Yt", str(WORKERS)], stdout=log, stderr=log)
        try:
            got = [self._wait_cycle(log_path, 1, p)]
            walls, cpus, sides = [], [], []
            for c in range(2, cycles + 2):
                expect += self.refill()
                cpu0, side0, t0 = proc_cpu_s(p.pid), self.side(), time.monotonic()
                with open(os.path.join(root, ".psync-trigger"), "w"):
                    pass
                got.append(self._wait_cycle(log_path, c, p))
                cpus.append(proc_cpu_s(p.pid) - cpu0)
                side = delta(side0, self.side())
                # The trigger is seen within 200 ms and the log line read 20 ms late: the
                # machine's busy share is over that window, scaled to the cycle's own time.
                side[2] *= got[-1] / (time.monotonic() - t0)
                sides.append(side)
                walls.append(got[-1])
            rss = proc_hwm_mb(p.pid)
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=60)
        if self.delivered(root) != expect:
            raise RuntimeError(f"psyncd daemon delivered {self.delivered(root)} of {expect}")
        best = min(range(len(walls)), key=lambda k: walls[k])
        return walls[best], cpus[best], rss, sides[best]

    def _wait_cycle(self, log_path, count, proc):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            with open(log_path) as f:
                lines = [ln for ln in f if "psync cycle: " in ln and " links, " in ln]
            if len(lines) >= count:
                fields = lines[count - 1].split("psync cycle: ")[1].split(", ")
                if fields[1] != "0 failed":
                    raise RuntimeError(f"psyncd daemon cycle {count}: {lines[count - 1]}")
                return float(fields[3].split()[0])
            if proc.poll() is not None:
                raise RuntimeError(f"psyncd daemon exited {proc.returncode}")
            time.sleep(0.02)
        raise RuntimeError("psyncd daemon: no cycle line in time")

    # --- mpop -------------------------------------------------------------------------------
    def mpop_conf(self):
        starttls = "on" if self.wl.tls == "stls" else "off"
        lines = ["defaults", "tls on", f"tls_starttls {starttls}", f"tls_trust_file {self.cert}",
                 "keep off", "auth user", ""]
        self.mpop_dirs = []
        for i in range(1, self.n + 1):
            md = self.fresh(f"mpop-md{i}")
            for s in ("new", "cur", "tmp"):
                os.makedirs(os.path.join(md, s))
            self.mpop_dirs.append(md)
            host, port = self.endpoint(i)
            lines += [f"account user{i}", f"host {host}", f"port {port}", f"user user{i}",
                      f"password secret{i}", f"delivery maildir {md}",
                      f"uidls_file {self.work}/mpop-uidls{i}", ""]
        path = self.fresh("mpoprc")
        with open(path, "w") as f:
            f.write("\n".join(lines))
        os.chmod(path, 0o600)
        return path

    def mpop(self, parallel):
        conf = self.mpop_conf()
        expect = self.refill()
        side0 = self.side()
        if parallel:
            accounts = "".join(f"user{i}\n" for i in range(1, self.n + 1))
            wall, cpu, rss, rc, err = run_measured(
                ["xargs", "-P", str(WORKERS), "-n", "1", "mpop", "-q", "-C", conf], accounts)
        else:
            wall, cpu, rss, rc, err = run_measured(["mpop", "-q", "-C", conf, "--all-accounts"])
        side = delta(side0, self.side())
        got = sum(len(os.listdir(os.path.join(d, "new"))) for d in self.mpop_dirs)
        if rc != 0 or got != expect:
            raise RuntimeError(f"mpop: exit {rc}, delivered {got} of {expect}\n{err[-2000:]}")
        return wall, cpu, rss, side

    # --- fetchmail --------------------------------------------------------------------------
    def fetchmail_daemon(self):
        d = self.fresh("fetchmail")
        os.makedirs(d)
        rc = os.path.join(d, "fetchmailrc")
        with open(rc, "w") as f:
            f.write("set no bouncemail\n")
            for i in range(1, self.n + 1):
                host, port = self.endpoint(i)
                tls = "ssl" if self.wl.tls == "pop3s" else "sslproto tls1.2+"
                f.write(f'poll {host} port {port} proto pop3 user "user{i}" password '
                        f'"secret{i}" {tls} sslcertck sslcertfile "{self.cert}" sslcommonname localhost\n')
        os.chmod(rc, 0o600)
        log_path = os.path.join(d, "log")
        out_path = os.path.join(d, "out.bsmtp")
        expect = self.refill()
        env = dict(os.environ, HOME=d)
        with open(log_path, "w") as log:
            p = subprocess.Popen(["fetchmail", "-f", rc, "-d", "3600", "--nodetach", "--nosyslog",
                                  "-v", "--bsmtp", out_path,
                                  "-i", os.path.join(d, "ids"), "--pidfile",
                                  os.path.join(d, "pid")], stdout=log, stderr=log, env=env)
        try:
            self._wait_sleeping(log_path, 1, p)
            expect += self.refill()
            cpu0, side0 = proc_cpu_s(p.pid), self.side()
            t0 = time.monotonic()
            p.send_signal(signal.SIGUSR1)
            self._wait_sleeping(log_path, 2, p)
            wall = time.monotonic() - t0
            cpu, side = proc_cpu_s(p.pid) - cpu0, delta(side0, self.side())
            rss = proc_hwm_mb(p.pid)
        finally:
            p.terminate()
            p.wait(timeout=60)
        with open(out_path, errors="replace") as f:
            got = sum(1 for line in f if line.startswith("MAIL FROM:"))
        if got != expect:
            with open(log_path, errors="replace") as f:
                tail = f.read()[-1500:]
            raise RuntimeError(f"fetchmail delivered {got} of {expect}\n{tail}")
        return wall, cpu, rss, side

    def _wait_sleeping(self, log_path, count, proc):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            with open(log_path, errors="replace") as f:
                if f.read().count("sleeping at") >= count:
                    return
            if proc.poll() is not None:
                raise RuntimeError(f"fetchmail exited {proc.returncode}")
            time.sleep(0.02)
        raise RuntimeError("fetchmail: no 'sleeping at' in time")


def run_workload(binary, work, dv, wl, baseline=None):
    proxies, endpoints = [], []
    try:
        for s in range(wl.servers):
            host = f"127.0.0.{s + 1}"
            port = dv.pop3s_port if wl.tls == "pop3s" else dv.pop3_port
            p, lp = start_proxy(port, wl.delay_ms / 2, host)
            proxies.append(p)
            endpoints.append((host, lp))
        b = Bench(binary, os.path.join(work, wl.name.replace(" ", "_")), dv, endpoints, wl)
        os.makedirs(b.work)
        tools = {"psyncd --once": b.psyncd_once, "psyncd daemon": b.psyncd_daemon,
                 "mpop": lambda: b.mpop(False), "mpop -P 32": lambda: b.mpop(True),
                 "fetchmail -d": b.fetchmail_daemon,
                 "baseline --once": lambda: b.psyncd_once(baseline)}
        results = {}
        b.side = lambda: (tree_cpu_s(dv.master_pid()),
                          sum(proc_cpu_s(p.pid) for p in proxies), machine_busy_s())
        ours = ("psyncd --once",) if wl.system_cas else ("psyncd --once", "psyncd daemon")
        for name in ours + (("baseline --once",) if baseline else ()) + tuple(wl.peers):
            try:
                results[name] = tools[name]()
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                print(f"  {name} failed: {str(e)[:600]}", flush=True)
        return results
    finally:
        for p in proxies:
            p.kill()
            p.wait(timeout=10)


def main(argv):
    binary, work = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    quick = "--quick" in argv
    baseline = None
    if "--baseline" in argv:
        baseline = os.path.abspath(argv[argv.index("--baseline") + 1])
    workloads = [
        Workload("200 POP3S 20ms", 200, "pop3s", 20,
                 peers=("mpop -P 32", "mpop", "fetchmail -d"), target=0.5),
        Workload("200 POP3S 0ms", 200, "pop3s", 0, peers=("mpop -P 32", "mpop")),
        Workload("200 POP3S 20ms 4 servers", 200, "pop3s", 20, servers=4),
        Workload("200 POP3S 0ms system CAs", 200, "pop3s", 0, peers=(), system_cas=True),
    ]
    if not quick:
        workloads += [Workload("100 STLS 20ms", 100, "stls", 20, peers=("mpop -P 32", "mpop")),
                      Workload("1000 POP3S 20ms", 1000, "pop3s", 20)]
    n_max = max(w.links for w in workloads)
    os.makedirs(work, exist_ok=True)
    write_cert(os.path.join(work, "dv"))
    users = {f"user{i}": (f"secret{i}", []) for i in range(1, n_max + 1)}
    ok = True
    with dovecot.Dovecot(os.path.join(work, "dv"), users) as dv:
        # Warm-up, not timed: Dovecot indexes each mailbox on its first session.
        warm = Bench(binary, os.path.join(work, "warm"), dv, [("127.0.0.1", dv.pop3s_port)],
                     Workload("warm", n_max, "pop3s", 0))
        os.makedirs(warm.work)
        warm.mpop(True)
        for wl in workloads:
            results = run_workload(binary, work, dv, wl, baseline)
            print(f"{wl.name}: {wl.links} links, 1 in {MAIL_EVERY} with {MAIL_PER_ACCOUNT} "
                  f"messages (Dovecot and the proxy share the {CPUS} CPUs: their CPU / {CPUS} "
                  f"is a floor under any tool's time):", flush=True)
            for name, (wall, cpu, rss, (dv_cpu, proxy_cpu, busy)) in results.items():
                print(f"  {name:14} {wall:6.2f} s wall  {1000 * cpu / wl.links:5.2f} ms CPU/link  "
                      f"{rss:6.1f} MB RSS | Dovecot {dv_cpu:.2f} + proxy {proxy_cpu:.2f} CPU-s "
                      f"(floor {(dv_cpu + proxy_cpu) / CPUS:.2f} s), machine "
                      f"{100 * busy / (CPUS * wall):.0f}% busy", flush=True)
            ours = [results[k][0] for k in ("psyncd --once", "psyncd daemon") if k in results]
            peers = [v[0] for k, v in results.items() if k.startswith("mpop")]
            if ours and peers:
                ratio = min(ours) / min(peers)
                verdict = ""
                if wl.target is not None:
                    verdict = f" (target <= {wl.target}) " + ("OK" if ratio <= wl.target
                                                               else "MISSED")
                    ok = ok and ratio <= wl.target
                print(f"  psyncd / best mpop = {ratio:.2f}{verdict}", flush=True)
            elif wl.target is not None:
                ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
