#!/usr/bin/env python3
"""Slow clients against psyncd's POP3 server (psyncd-pop3d-test): SLOW connections that never
log in (each sends one byte every 3 s, so an idle timeout that restarts on every byte never
fires), from source addresses 127.0.0.2, 127.0.0.3, ... (PER_IP connections each), are opened
and held; meanwhile a real client on 127.0.0.1 logs in (USER, PASS, STAT, QUIT) LOGINS times,
one every 0.5 s. Prints how many slow connections the server kept open and each real login's
latency (connect to STAT's answer), or why it failed.
Environment: PSYNCD_BINARY_DIR (build dir), SLOW (default 2000), PER_IP (50), LOGINS (10),
SERVER_ARGS (extra psyncd-pop3d-test flags, e.g. "--max-sessions 50 --idle-secs 5")."""
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
import pop3d_root  # noqa: E402

SLOW = int(os.environ.get("SLOW", "2000"))
PER_IP = int(os.environ.get("PER_IP", "50"))
LOGINS = int(os.environ.get("LOGINS", "10"))
SERVER_ARGS = os.environ.get("SERVER_ARGS", "").split()


async def slow_client(port, source, state, stop):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    except OSError:
        state["connect_failed"] += 1
        return
    state["open"] += 1
    try:
        while not stop.is_set():
            writer.write(b"X")  # never a whole line
            await writer.drain()
            try:
                data = await asyncio.wait_for(reader.read(4096), 3)
                if not data:
                    break  # the server hung up
            except asyncio.TimeoutError:
                pass
    except OSError:
        pass
    finally:
        state["open"] -= 1
        writer.close()


async def real_login(port):
    start = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = []
        line = await asyncio.wait_for(reader.readline(), 10)
        lines.append(line)
        if not line.startswith(b"+OK"):
            return None, line
        writer.write(b"USER alice\r\nPASS secret\r\nSTAT\r\nQUIT\r\n")
        for _ in range(3):
            line = await asyncio.wait_for(reader.readline(), 10)
            if not line.startswith(b"+OK"):
                return None, line
        return time.monotonic() - start, b""
    finally:
        writer.close()


async def run(port):
    state = {"open": 0, "connect_failed": 0}
    stop = asyncio.Event()
    tasks = []
    for i in range(SLOW):
        source = f"127.0.{2 + i // PER_IP // 250}.{2 + (i // PER_IP) % 250}"
        tasks.append(asyncio.create_task(slow_client(port, source, state, stop)))
        if i % 100 == 99:
            await asyncio.sleep(0.05)
    await asyncio.sleep(2)
    print(f"slow connections: {SLOW} attempted, {state['open']} open, "
          f"{state['connect_failed']} connect failures")
    latencies = []
    for _ in range(LOGINS):
        try:
            took, why = await real_login(port)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError) as e:
            took, why = None, repr(e).encode()
        if took is None:
            print(f"  real login FAILED: {why!r}")
        else:
            latencies.append(took)
            print(f"  real login ok in {took * 1000:.1f} ms ({state['open']} slow ones open)")
        await asyncio.sleep(0.5)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    return latencies


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, SLOW + 1000)), hard))
    with tempfile.TemporaryDirectory() as tmp:
        root = pop3d_root.MailRoot(os.path.join(tmp, "root"))
        root.add_user("alice", "secret")
        root.add_message("alice", pop3d_root.make_message(1, 2000))
        with pop3d_root.Server(root, "--quiet", *SERVER_ARGS) as srv:
            latencies = asyncio.run(run(srv.pop3))
            lines = srv.log().count("\n")
    ok = len(latencies)
    summary = (f"median {statistics.median(latencies) * 1000:.1f} ms, "
               f"max {max(latencies) * 1000:.1f} ms" if latencies else "none")
    print(f"real logins: {ok}/{LOGINS} ok; latency {summary}; server log lines: {lines}")


if __name__ == "__main__":
    main()
