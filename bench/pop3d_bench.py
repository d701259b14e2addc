#!/usr/bin/env python3
"""POP3 serving benchmark: the same mailboxes served by psyncd's server (psyncd-pop3d-test)
and by a private Dovecot (tests/integration/harness), measured by the same load driver: by
default the C++ bench/pop3_load (one epoll loop, replies counted by terminator; DRIVER=python
selects the older asyncio driver), the same for both servers in one run:
  full   - sessions/s of login, UIDL, RETR x300 (4 KB each, pipelined), QUIT; and RETR MB/s
           (replies counted by terminator in 256 KiB reads, not parsed: a lean driver)
  light  - sessions/s of login, STAT, UIDL, QUIT at 50 concurrent clients
  p99    - p99 latency of the light session at 32 concurrent clients
  idle   - RSS per idle session with 2000 connections open (greeting read, not logged in:
           a POP3 mailbox lock allows one session per account)
Prints both servers' figures and the ratios. Environment: PSYNCD_BINARY_DIR (build dir),
SECONDS_PER_PHASE (default 4), IDLE_SESSIONS (2000), USERS (50), DRIVER (cpp or python),
DRIVERS (load processes, same for both servers: default 1 for cpp, 2 for python),
FULL_CLIENTS (4 concurrent full sessions), POP3D_THREADS (psyncd's Pop3Threads; default one
event loop per CPU), ISOLATE (default 1: afterwards each server is started again on the
upper half of the CPUs and the full and light phases run with the driver on the lower half,
so that the driver does not eat the server's CPU; 0 skips this)."""
import asyncio
import contextlib
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from harness import dovecot  # noqa: E402
import pop3d_root  # noqa: E402

PHASE = float(os.environ.get("SECONDS_PER_PHASE", "4"))
IDLE = int(os.environ.get("IDLE_SESSIONS", "2000"))
USERS = int(os.environ.get("USERS", "50"))
DRIVER = os.environ.get("DRIVER", "cpp")
DRIVERS = int(os.environ.get("DRIVERS", "1" if DRIVER == "cpp" else "2"))
FULL_CLIENTS = int(os.environ.get("FULL_CLIENTS", "4"))
THREADS = os.environ.get("POP3D_THREADS", "")  # server.tab Pop3Threads; unset: one per CPU
ISOLATE = os.environ.get("ISOLATE", "1") != "0"  # also run full/light with server, driver apart
MESSAGES = 300
SIZE = 4096
END = b"\r\n.\r\n"
RECV_BUFFER = 256 * 1024


async def expect_ok(reader):
    line = await reader.readline()
    if not line.startswith(b"+OK"):
        raise RuntimeError(f"unexpected reply {line[:80]!r}")
    return line


async def multiline(reader):
    data = await reader.readuntil(END)
    if not data.startswith(b"+OK"):
        raise RuntimeError(f"unexpected reply {data[:80]!r}")
    return data


async def login(port, user, password):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    await expect_ok(reader)
    writer.write(f"USER {user}\r\nPASS {password}\r\n".encode())
    await expect_ok(reader)
    await expect_ok(reader)
    return reader, writer


async def quit(reader, writer):
    writer.write(b"QUIT\r\n")
    await expect_ok(reader)
    writer.close()
    try:
        await writer.wait_closed()
    except OSError:
        pass


async def full_session(port, user, password, stats):
    """Lean loop (the driver must not be the bottleneck): the pipelined UIDL + RETR replies
    are read in 1 MiB chunks and counted by their terminators with bytes.count instead of
    being parsed line by line. Dot-stuffing guarantees "\r\n.\r\n" only ends a reply."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, ("127.0.0.1", port))
        await loop.sock_sendall(sock, b"USER %s\r\nPASS %s\r\n" % (user.encode(),
                                                                  password.encode()))
        head = b""
        while head.count(b"\r\n") < 3:  # greeting, USER and PASS replies
            chunk = await loop.sock_recv(sock, 4096)
            if not chunk:
                raise RuntimeError(f"connection closed at login: {head!r}")
            head += chunk
        if b"-ERR" in head:
            raise RuntimeError(f"login failed: {head[:200]!r}")
        await loop.sock_sendall(sock, b"UIDL\r\n%sQUIT\r\n" % b"".join(
            b"RETR %d\r\n" % i for i in range(1, MESSAGES + 1)))
        want, ends, tail, total, first = MESSAGES + 1, 0, b"", 0, True
        buf = bytearray(RECV_BUFFER)  # reused: no per-read allocation of a big bytes object
        while ends < want:
            n = await loop.sock_recv_into(sock, buf)
            if not n:
                raise RuntimeError(f"connection closed after {ends} of {want} replies")
            if buf.find(b"\n-ERR", 0, n) >= 0 or (first and buf.startswith(b"-ERR")):
                raise RuntimeError(f"-ERR in the reply stream: {bytes(buf[:200])!r}")
            first = False
            total += n
            # Terminators inside this read, plus one straddling the previous read's end.
            ends += buf.count(END, 0, n) + (tail + bytes(buf[:min(n, len(END) - 1)])).count(END)
            tail = (tail + bytes(buf[max(0, n - len(END) + 1):n]))[-(len(END) - 1):]
        # Then the QUIT reply: both servers close the connection after it.
        while await loop.sock_recv(sock, 65536):
            pass
        stats["bytes"] += total
    finally:
        sock.close()


async def light_session(port, user, password, stats):
    reader, writer = await login(port, user, password)
    writer.write(b"STAT\r\nUIDL\r\n")
    await expect_ok(reader)
    await multiline(reader)
    await quit(reader, writer)


async def run_phase(kind, port, users, concurrency, seconds, first=0, step=1):
    """Workers first, first+step, ... < concurrency; worker k always uses account k."""
    stats = {"sessions": 0, "bytes": 0, "latencies": [], "errors": 0}
    stop_at = time.monotonic() + seconds
    fn = full_session if kind == "full" else light_session

    async def worker(k):
        user, password = users[k % len(users)]
        while time.monotonic() < stop_at:
            t0 = time.monotonic()
            try:
                await asyncio.wait_for(fn(port, user, password, stats), 30)
            except (OSError, RuntimeError, asyncio.TimeoutError, asyncio.IncompleteReadError) as e:
                stats["errors"] += 1
                if stats["errors"] <= 3:
                    print(f"  {kind} error: {e!r}", file=sys.stderr)
                await asyncio.sleep(0.01)
                continue
            stats["latencies"].append(time.monotonic() - t0)
            stats["sessions"] += 1

    t0 = time.monotonic()
    await asyncio.gather(*(worker(k) for k in range(first, concurrency, step)))
    stats["elapsed"] = time.monotonic() - t0
    return stats


def _phase_in_process(args):
    cpu0 = time.process_time()
    stats = asyncio.run(run_phase(*args))
    stats["driver_cpu_s"] = time.process_time() - cpu0
    return stats


def run_phase_cpp(kind, port, users, concurrency, seconds, cpus=None):
    """The phase run by DRIVERS bench/pop3_load processes, the workers split between them
    (worker k uses account k, as in the Python driver); the figures are summed. `cpus`: the
    CPUs the drivers may use (None: any)."""
    binary = os.path.join(os.environ["PSYNCD_BINARY_DIR"], "bench", "pop3_load")
    with tempfile.TemporaryDirectory(prefix="pop3-load-") as tmp:
        accounts = os.path.join(tmp, "accounts")
        with open(accounts, "w") as f:
            f.write("".join(f"{u} {p}\n" for u, p in users))
        procs, first = [], 0
        for i in range(DRIVERS):
            n = len(range(i, concurrency, DRIVERS))
            if not n:
                continue
            lat = os.path.join(tmp, f"lat{i}")
            cmd = [binary, "--phase", kind, "--port", str(port), "--concurrency", str(n),
                   "--seconds", str(seconds), "--messages", str(MESSAGES), "--first-account",
                   str(first), "--accounts", accounts,
                   "--latencies", lat]
            pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
            procs.append((subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True,
                                           preexec_fn=pin), lat))
            first += n
        total = {"sessions": 0, "bytes": 0, "latencies": [], "errors": 0, "elapsed": 0.0,
                 "driver_cpu_s": 0.0}
        for proc, lat in procs:
            out, _ = proc.communicate()
            if proc.returncode != 0:
                raise SystemExit(f"pop3_load failed ({proc.returncode}): {out}")
            fields = dict(kv.split("=") for kv in out.split())
            for k in ("sessions", "bytes", "errors"):
                total[k] += int(fields[k])
            total["driver_cpu_s"] += float(fields["cpu_s"])
            total["elapsed"] = max(total["elapsed"], float(fields["elapsed"]))
            with open(lat) as f:
                total["latencies"] += [int(x) / 1e6 for x in f.read().split()]
    return total


def run_phase_mp(kind, port, users, concurrency, seconds, cpus=None):
    """The same phase from DRIVERS processes at once (one asyncio process cannot parse 100+
    MB/s of POP3), the workers split between them; the figures are summed."""
    if DRIVER == "cpp":
        return run_phase_cpp(kind, port, users, concurrency, seconds, cpus)
    pin = {"initializer": os.sched_setaffinity, "initargs": (0, cpus)} if cpus else {}
    with multiprocessing.Pool(DRIVERS, **pin) as pool:
        parts = pool.map(_phase_in_process, [(kind, port, users, concurrency, seconds, i, DRIVERS)
                                             for i in range(DRIVERS)])
    total = {"sessions": 0, "bytes": 0, "latencies": [], "errors": 0, "elapsed": 0.0,
             "driver_cpu_s": 0.0}
    for part in parts:
        for k in ("sessions", "bytes", "errors", "driver_cpu_s"):
            total[k] += part[k]
        total["latencies"] += part["latencies"]
        total["elapsed"] = max(total["elapsed"], part["elapsed"])
    return total


def _children():
    children = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(pid))
        except (OSError, IndexError, ValueError):
            pass
    return children


def process_tree_cpu_s(root_pid):
    """CPU seconds used by a process tree, reaped children included (Dovecot forks per login)."""
    children, total, todo = _children(), 0, [root_pid]
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/stat") as f:
                v = f.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in v[11:15]) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def process_tree_rss_kb(root_pid):
    """RSS (KiB) of a process and all its descendants."""
    children, total, todo = _children(), 0, [root_pid]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def split_cpus():
    """(server CPUs, driver CPUs) for the isolated phases: the upper half of the CPUs this
    bench may use for the server, the lower half for the load driver; None on one CPU."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return None
    half = len(cpus) // 2
    return set(cpus[half:]), set(cpus[:half])


@contextlib.contextmanager
def on_cpus(cpus):
    """Servers started inside inherit this affinity (Dovecot's forks from its master too)."""
    old = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cpus)
    try:
        yield
    finally:
        os.sched_setaffinity(0, old)


def measure_isolated(name, port, pid, users, cpus):
    """The full and light phases with the server started on the server CPUs and the driver on
    the others, as when the clients are other machines: the driver takes no CPU from the
    server, and the server's defaults see the CPUs it has (psyncd: one event loop per CPU)."""
    server_cpus, driver_cpus = cpus
    cpu0 = process_tree_cpu_s(pid)
    full = run_phase_mp("full", port, users, FULL_CLIENTS, PHASE, driver_cpus)
    cpu1 = process_tree_cpu_s(pid)
    light = run_phase_mp("light", port, users, 50, PHASE, driver_cpus)
    out = {"iso_full_sps": full["sessions"] / full["elapsed"],
           "iso_light_sps": light["sessions"] / light["elapsed"],
           "iso_errors": full["errors"] + light["errors"]}
    cpu_ms = (cpu1 - cpu0) * 1000 / max(full["sessions"], 1)
    print(f"{name:8s} isolated, server on {len(server_cpus)} CPU, driver on {len(driver_cpus)}: "
          f"full {out['iso_full_sps']:8.1f} sessions/s  light@50 {out['iso_light_sps']:8.1f} "
          f"sessions/s  errors {out['iso_errors']}; server {cpu_ms:.2f} ms CPU per full session, "
          f"{(cpu1 - cpu0) / full['elapsed']:.2f} / driver "
          f"{full['driver_cpu_s'] / full['elapsed']:.2f} cores busy", flush=True)
    return out


async def idle_phase(port, pid, count):
    before = process_tree_rss_kb(pid)
    conns = []

    async def open_one():
        try:
            r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
            await asyncio.wait_for(expect_ok(r), 10)
            conns.append(w)
        except (OSError, RuntimeError, asyncio.TimeoutError):
            pass

    for start in range(0, count, 100):
        await asyncio.gather(*(open_one() for _ in range(min(100, count - start))))
    await asyncio.sleep(0.5)
    after = process_tree_rss_kb(pid)
    for w in conns:
        w.close()
    await asyncio.sleep(0.5)
    opened = len(conns)
    return {"opened": opened, "rss_before_kb": before, "rss_after_kb": after,
            "per_session_kb": (after - before) / opened if opened else float("nan")}


async def measure(name, port, pid, users):
    out = {}
    cpu0 = process_tree_cpu_s(pid)
    full = run_phase_mp("full", port, users, FULL_CLIENTS, PHASE)
    cpu1 = process_tree_cpu_s(pid)
    out["full_sps"] = full["sessions"] / full["elapsed"]
    out["retr_mbps"] = full["bytes"] / full["elapsed"] / 1e6
    out["full_cpu_ms"] = (cpu1 - cpu0) * 1000 / max(full["sessions"], 1)
    # The driver's own CPU: if it nears DRIVERS x 1000 ms per second, the driver is the limit.
    out["full_driver_ms"] = full["driver_cpu_s"] * 1000 / max(full["sessions"], 1)
    out["full_driver_load"] = full["driver_cpu_s"] / full["elapsed"]
    light = run_phase_mp("light", port, users, 50, PHASE)
    out["light_sps"] = light["sessions"] / light["elapsed"]
    out["light_cpu_ms"] = (process_tree_cpu_s(pid) - cpu1) * 1000 / max(light["sessions"], 1)
    p = run_phase_mp("light", port, users, 32, PHASE)
    lat = sorted(p["latencies"])
    out["p99_ms"] = lat[int(len(lat) * 0.99) - 1] * 1000 if lat else float("nan")
    out["errors"] = full["errors"] + light["errors"] + p["errors"]
    out.update(await idle_phase(port, pid, IDLE))
    print(f"{name:8s} full {out['full_sps']:8.1f} sessions/s  RETR {out['retr_mbps']:7.1f} MB/s  "
          f"light@50 {out['light_sps']:8.1f} sessions/s  p99@32 {out['p99_ms']:6.1f} ms  "
          f"idle {out['opened']} open, {out['per_session_kb']:.1f} KiB/session  "
          f"errors {out['errors']}", flush=True)
    print(f"{'':8s} server CPU per session: full {out['full_cpu_ms']:.2f} ms, "
          f"light {out['light_cpu_ms']:.2f} ms; driver CPU per full session "
          f"{out['full_driver_ms']:.2f} ms ({out['full_driver_load']:.2f} cores busy)", flush=True)
    return out


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 20000), hard))
    dovecot.require_or_skip()
    started = time.monotonic()
    messages = [pop3d_root.make_message(i, SIZE) for i in range(MESSAGES)]
    users = [(f"user{k}", f"secret{k}") for k in range(1, USERS + 1)]
    with tempfile.TemporaryDirectory(prefix="psyncd-pop3d-bench-", dir=os.environ.get("BENCH_DIR")) as tmp:
        root = pop3d_root.MailRoot(os.path.join(tmp, "root"))
        with open(os.path.join(root.path, "server.tab"), "a") as f:
            # Every load client is 127.0.0.1 (the idle phase opens IDLE_SESSIONS at once).
            f.write('"Pop3MaxConnPerIP"\t"0"\n')
            if THREADS:
                f.write(f'"Pop3Threads"\t"{THREADS}"\n')
        for user, password in users:
            root.add_user(user, password)
            for m in messages:
                root.add_message(user, m)
        dv = dovecot.Dovecot(os.path.join(tmp, "dovecot"),
                             {u: (p, messages) for u, p in users})
        print(f"workload: {USERS} accounts x {MESSAGES} x {SIZE} B; {PHASE:.0f} s per phase; "
              f"{IDLE} idle sessions; driver {DRIVER} x {DRIVERS} process(es); psyncd event loops: "
              f"{THREADS or 'one per CPU (%d)' % os.cpu_count()}", flush=True)
        with pop3d_root.Server(root, "--quiet", "--max-sessions", str(IDLE + 100)) as ours:
            mine = asyncio.run(measure("psyncd", ours.pop3, ours.proc.pid, users))
        with dv:
            theirs = asyncio.run(measure("dovecot", dv.pop3_port, dv.master_pid(), users))
        cpus = split_cpus() if ISOLATE else None
        if cpus:
            with on_cpus(cpus[0]):
                ours = pop3d_root.Server(root, "--quiet")
            with ours:
                mine.update(measure_isolated("psyncd", ours.pop3, ours.proc.pid, users, cpus))
            with on_cpus(cpus[0]):
                dv.start()
            try:
                theirs.update(measure_isolated("dovecot", dv.pop3_port, dv.master_pid(), users,
                                               cpus))
            finally:
                dv.stop()
    print("ratios (psyncd / dovecot): " + "  ".join(
        f"{k} {mine[k] / theirs[k]:.2f}x" for k in ("full_sps", "retr_mbps", "light_sps")
        if theirs[k]) + f"  p99 {theirs['p99_ms'] / mine['p99_ms']:.2f}x lower"
        f"  idle KiB/session {mine['per_session_kb']:.1f} vs {theirs['per_session_kb']:.1f}")
    if "iso_full_sps" in mine and "iso_full_sps" in theirs:
        print("ratios isolated (server and driver on separate CPUs, the servers started there): " + "  ".join(
            f"{k[4:]} {mine[k] / theirs[k]:.2f}x" for k in ("iso_full_sps", "iso_light_sps")
            if theirs[k]))
    print("server CPU per session, dovecot / psyncd: " + "  ".join(
        f"{k.split('_')[0]} {theirs[k] / mine[k]:.1f}x" for k in ("full_cpu_ms", "light_cpu_ms")
        if mine[k]))
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(the driver shares the machine: sessions/s are bounded by it and by other load)")
    print(f"bench time {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
