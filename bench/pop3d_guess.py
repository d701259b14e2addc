#!/usr/bin/env python3
"""Password guessing from one IP against psyncd's POP3 server (psyncd-pop3d-test), as an
attacker who hangs up 0.3 s after PASS would do it: WORKERS connections at once, each sends
USER + a wrong PASS, waits at most 0.3 s for the answer, hangs up, starts again. Prints
  answered/s  - PASS replies the attacker received (-ERR [AUTH]: one guess learnt; lockout
                replies, which check nothing, are counted apart)
  silent/s    - connections with no answer in 0.3 s (a guess learnt too when a right password
                is always answered at once; not when the server waits before it checks)
  checked/s   - passwords the server really checked (its "login failed" log lines)
With the server's defaults for the delays: -Pw 5 s (--delay-ms 5000), per-IP step 1 s
(--penalty-ms 1000), lockout after 10 failures (--lockout 10; 0: none; a server older than the
lockout takes no such flag: LOCKOUT=""). Environment: PSYNCD_BINARY_DIR (build dir),
DURATION (seconds, default 20), WORKERS (20), HANG_UP (1: run with -Ph; else without),
WAIT (0.3), LOCKOUT (10)."""
import asyncio
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
import pop3d_root  # noqa: E402

DURATION = float(os.environ.get("DURATION", "20"))
WORKERS = int(os.environ.get("WORKERS", "20"))
HANG_UP = os.environ.get("HANG_UP", "0") == "1"
WAIT = float(os.environ.get("WAIT", "0.3"))
LOCKOUT = os.environ.get("LOCKOUT", "10")  # psyncd's default Pop3LockoutFailures


async def guess(port, n, counts):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        counts["refused"] += 1
        await asyncio.sleep(0.05)
        return
    try:
        greeting = await asyncio.wait_for(reader.readline(), 5)
        if not greeting.startswith(b"+OK"):
            counts["refused"] += 1
            return
        writer.write(b"USER alice\r\n")
        await asyncio.wait_for(reader.readline(), 5)  # +OK password required
        writer.write(f"PASS guess{n}\r\n".encode())
        try:
            reply = await asyncio.wait_for(reader.readline(), WAIT)
            if b"too many failed logins" in reply:
                counts["locked"] += 1  # refused unchecked: nothing learnt
            else:
                counts["found" if reply.startswith(b"+OK") else "answered"] += 1
        except asyncio.TimeoutError:
            counts["silent"] += 1
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
        counts["errors"] += 1
    finally:
        writer.close()


async def attack(port):
    counts = {"answered": 0, "silent": 0, "found": 0, "refused": 0, "errors": 0, "locked": 0}
    end = time.monotonic() + DURATION
    n = 0

    async def worker():
        nonlocal n
        while time.monotonic() < end:
            n += 1
            await guess(port, n, counts)

    await asyncio.gather(*(worker() for _ in range(WORKERS)))
    return counts


def main():
    with tempfile.TemporaryDirectory() as tmp:
        root = pop3d_root.MailRoot(os.path.join(tmp, "root"))
        root.add_user("alice", "secret")
        args = ["--delay-ms", "5000", "--penalty-ms", "1000"]
        args += ["--lockout", LOCKOUT] if LOCKOUT else []
        args += ["--hang-up"] if HANG_UP else []
        with pop3d_root.Server(root, *args) as srv:
            start = time.monotonic()
            counts = asyncio.run(attack(srv.pop3))
            elapsed = time.monotonic() - start
            checked = srv.log().count("login failed")
        print(f"pop3d guesses from one IP, {WORKERS} connections at once, {elapsed:.1f} s, "
              f"{'with' if HANG_UP else 'without'} -Ph, hang-up after {WAIT} s:")
        print(f"  answered/s {counts['answered'] / elapsed:.1f}  silent/s "
              f"{counts['silent'] / elapsed:.1f}  checked/s {checked / elapsed:.2f}  "
              f"(checked {checked}, locked out {counts['locked']}, refused {counts['refused']}, "
              f"errors {counts['errors']}, "
              f"found {counts['found']})")


if __name__ == "__main__":
    main()
