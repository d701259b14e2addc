#!/usr/bin/env python3
"""The manual pages render and install: `man --warnings -l PAGE` formats each page of man/
with exit 0, no warning on stderr and its NAME line in the output; `cmake --install` of this
build into a temp prefix puts each page in share/man/manN and the guide in
share/doc/psyncd. Exit 0 pass, 1 fail, 77 skip (man or cmake missing; CI=true: FAIL)."""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MAN_DIR = os.path.join(HERE, "..", "..", "man")
PAGES = {"psyncd.8": "psyncd - ", "psyncctl.8": "psyncctl - ",
         "pop3links.tab.5": "pop3links.tab - ", "xmcrypt.1": "xmcrypt - "}


def fail(what, extra=""):
    print(f"FAIL: {what}\n{extra}", file=sys.stderr)
    sys.exit(1)


def need(tool):
    if shutil.which(tool):
        return
    if os.environ.get("CI") == "true":
        fail(f"{tool} is not installed and CI=true (scripts/install-deps installs man-db)")
    print(f"SKIP: {tool} is not installed", file=sys.stderr)
    sys.exit(77)


def render(page):
    env = dict(os.environ, MANWIDTH="80", MAN_KEEP_FORMATTING="", LC_ALL="C.UTF-8")
    r = subprocess.run(["man", "--warnings", "-l", os.path.join(MAN_DIR, page)],
                       capture_output=True, text=True, timeout=60, env=env)
    if r.returncode != 0 or r.stderr.strip():
        fail(f"man -l {page}: exit {r.returncode}", r.stderr)
    # Justified lines have runs of spaces; some fonts turn - into a hyphen or minus sign.
    text = " ".join(r.stdout.replace("\u2010", "-").replace("\u2212", "-").split())
    if PAGES[page] not in text or "SEE ALSO" not in text:
        fail(f"man -l {page} does not show its NAME line and SEE ALSO", text[:2000])


def install():
    build = os.environ.get("PSYNCD_BINARY_DIR")
    if not build:
        fail("PSYNCD_BINARY_DIR is not set")
    with tempfile.TemporaryDirectory(prefix="psyncd-man-") as prefix:
        r = subprocess.run(["cmake", "--install", build, "--prefix", prefix],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            fail("cmake --install", r.stdout + r.stderr)
        for page in PAGES:
            path = os.path.join(prefix, "share", "man", "man" + page[-1], page)
            if not os.path.isfile(path):
                fail(f"cmake --install did not install {path}")
        for doc in ("admin-guide.md", "pop3links.tab.sample"):
            if not os.path.isfile(os.path.join(prefix, "share", "doc", "psyncd", doc)):
                fail(f"cmake --install did not install share/doc/psyncd/{doc}")
        if not os.access(os.path.join(prefix, "bin", "psyncctl"), os.X_OK):
            fail("cmake --install did not install bin/psyncctl")


def main():
    need("man")
    need("cmake")
    for page in PAGES:
        render(page)
    install()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
