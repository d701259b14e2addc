#!/usr/bin/env python3
"""scripts/demo, as README command 1, against the already-built tree (PSYNCD_BUILD_DIR =
this build): it must exit 0, print the sample mail it read back through psyncd's POP3 server
(every subject of the demo mail, for alice and bob) and one --status line per link, and leave
no psyncd or Dovecot of its own running and no scratch directory behind.
Exit 0 pass, 1 fail, 77 skip (dovecot missing; under CI=true a missing tool FAILS)."""
import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot  # noqa: E402
from e2e_test import check  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, "..", "..", "scripts", "demo")


def running(pattern):
    r = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True)
    return r.stdout.split()


def main():
    dovecot.require_or_skip()
    build = os.environ.get("PSYNCD_BINARY_DIR", "")
    check(os.path.isdir(build), "PSYNCD_BINARY_DIR is the build directory")
    before = set(glob.glob("/tmp/psyncd-demo.*"))
    env = dict(os.environ, PSYNCD_BUILD_DIR=build, JOBS="2")
    r = subprocess.run(["bash", DEMO], capture_output=True, text=True, timeout=280, env=env)
    out = r.stdout + r.stderr
    check(r.returncode == 0, f"scripts/demo exit {r.returncode}", out[-4000:])
    for want in ("### alice@example.test: 3 messages", "### bob@example.test: 3 messages",
                 "Subject: Hello Alice", "Subject: Lunch?", "Subject: Team news (to alice)",
                 "Subject: Hello Bob", "Subject: Team news (to bob)", "Subject: List post"):
        check(want in out, f"demo output shows {want!r}", out[-4000:])
    check(out.count(": last ok at ") == 4, "--status: four ok links", out[-2000:])
    left = set(glob.glob("/tmp/psyncd-demo.*")) - before
    check(not left, f"scratch directory removed: {left}")
    check(not running("psyncd-demo"), "no process of the demo left running")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
