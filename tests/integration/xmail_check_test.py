#!/usr/bin/env python3
"""psyncd --check on tables the real XMail 1.27 wrote itself, through its control protocol
(CtrlClnt): domainadd, aliasdomainadd, useradd (user and mailing-list accounts), uservarsset,
aliasadd, mluseradd with each permission, poplnkadd for every link kind ('@', '?', '&' and
local) and poplnkenable 0. psyncd must print nothing and exit 0: a MAIL_ROOT XMail keeps is a
MAIL_ROOT psyncd reads without complaint. Also each table as XMail wrote it is checked for
what psyncd relies on (the field count of every line).
Exit 0 pass, 1 fail, 77 skip (XMail source missing; under CI=true it FAILS)."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import xmail  # noqa: E402
from xmail_interop import DOMAIN, check, finish, psyncd_bin, xmail_root  # noqa: E402

REMOTE = "127.0.0.1:11110"
COMMANDS = [
    ("domainadd", "other.test"),
    ("aliasdomainadd", DOMAIN, "alias.test"),
    ("useradd", DOMAIN, "alice", "alice-pw", "U"),
    ("useradd", DOMAIN, "bob", "bob-pw", "U"),
    ("useradd", "other.test", "carol", "carol-pw", "U"),
    ("useradd", DOMAIN, "team", "team-pw", "M"),
    ("uservarsset", DOMAIN, "alice", "RealName", "Alice Example", "HomePage", "none"),
    ("aliasadd", DOMAIN, "postmaster", "alice"),
    ("aliasadd", DOMAIN, "info", "bob"),
    ("aliasadd", "other.test", "boss", "carol"),
    ("mluseradd", DOMAIN, "team", f"alice@{DOMAIN}"),
    ("mluseradd", DOMAIN, "team", f"bob@{DOMAIN}", "R"),
    ("mluseradd", DOMAIN, "team", "carol@other.test", "RA"),
    ("mluseradd", DOMAIN, "team", "outside@remote.test", "RW"),
    ("poplnkadd", DOMAIN, "alice", REMOTE, "ra", "ra-pw", "CLR"),
    ("poplnkadd", DOMAIN, "bob", REMOTE, "rb", "rb-pw", "APOP"),
    ("poplnkadd", "other.test", "carol", REMOTE, "rc", "rc-pw", "STLS"),
    ("poplnkadd", f"@{DOMAIN}", "postmaster", REMOTE, "rd", "rd-pw", "CLR,Leave"),
    ("poplnkadd", f"?{DOMAIN},remote.test", "x", REMOTE, "re", "re-pw", "CLR"),
    ("poplnkadd", f"&.{DOMAIN},remote.test", "x", REMOTE, "rf", "rf-pw", "POP3S"),
    ("poplnkenable", "0", DOMAIN, "bob", REMOTE, "rb"),
]
# Tables and the number of fields XMail writes per line.
FIELDS = {"domains.tab": 1, "aliasdomain.tab": 2, "mailusers.tab": 6, "aliases.tab": 3,
          "pop3links.tab": 6}


def main():
    bindir = xmail.require_build()
    with tempfile.TemporaryDirectory(prefix="psyncd-xmail-check-") as tmp:
        x = xmail_root(tmp, bindir, "root")
        try:
            for cmd in COMMANDS:
                try:
                    x.ctrl(*cmd)
                except RuntimeError as e:
                    check(False, f"XMail accepts {' '.join(cmd)}", str(e))
        finally:
            x.stop()
        for name, n in FIELDS.items():
            lines = [ln for ln in x.read(name).splitlines() if ln.strip()]
            check(lines and all(ln.count("\t") == n - 1 for ln in lines),
                  f"XMail wrote {name} with {n} fields a line", x.read(name))
        mlusers = os.path.join(x.user_dir(DOMAIN, "team"), "mlusers.tab")
        check(os.path.exists(mlusers), "XMail wrote the list's mlusers.tab")
        r = subprocess.run([psyncd_bin(), "--check", "-Ms", x.root], capture_output=True,
                           text=True, timeout=60)
        tables = "".join(f"--- {n}\n{x.read(n)}" for n in FIELDS)
        check(r.returncode == 0 and r.stdout == "" and r.stderr == "",
              f"psyncd --check is clean on XMail's tables (exit {r.returncode})",
              r.stdout + r.stderr + tables)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
