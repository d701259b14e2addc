"""What the benchmarks share: the delaying proxy, and CPU read from /proc for processes the
bench did not start itself (Dovecot, the proxy) or for the whole machine."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def start_proxy(target_port, delay_ms, listen_host="127.0.0.1"):
    """bench/proxy.py in front of 127.0.0.1:target_port, `delay_ms` each way (RTT = 2 x);
    returns (process, port it listens on)."""
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "proxy.py"), "--target",
                          f"127.0.0.1:{target_port}", "--listen", f"{listen_host}:0",
                          "--delay-ms", str(delay_ms)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return p, int(p.stdout.readline().split()[1])


def proc_cpu_s(pid, reaped=False):
    """CPU seconds of a live process; with `reaped`, plus its reaped children's (Dovecot's
    master reaps the pop3 process of every login)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            v = f.read().rsplit(")", 1)[1].split()
    except (OSError, TypeError):
        return 0.0
    return sum(int(x) for x in v[11:15 if reaped else 13]) / os.sysconf("SC_CLK_TCK")


def machine_busy_s():
    """CPU-seconds all CPUs have been busy since boot (/proc/stat: everything but idle and
    iowait), so also the kernel's writeback threads and interrupts that no process is
    charged for."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def tree_cpu_s(pid):
    """CPU seconds of a process and all its descendants, live or reaped (Dovecot's auth and
    login processes live long and are reaped only when it stops)."""
    parent = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += proc_cpu_s(p, reaped=True)
        todo += [c for c, pp in parent.items() if pp == p]
    return total
