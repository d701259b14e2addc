"""Helpers for the PSYNC integration tests: a throw-away MAIL_ROOT (domains.tab,
mailusers.tab, server.tab, pop3links.tab, the directories psyncd needs), XMail password
encoding, running the built psyncd ($PSYNCD_BIN) and reading delivered mail.

Does not start Dovecot (harness/dovecot.py does)."""
import os
import subprocess
import sys
import time

from harness import dovecot

KEY = 0x65  # XMail's password XOR byte


def xmcrypt(plain):
    return "".join(f"{ord(c) ^ KEY:02x}" for c in plain)


def psyncd_bin():
    path = os.environ.get("PSYNCD_BIN")
    if not path or not os.path.exists(path):
        print("FAIL: PSYNCD_BIN is not set to the built psyncd binary", file=sys.stderr)
        sys.exit(1)
    return path


def q(*fields):
    return "\t".join(f'"{f}"' for f in fields) + "\n"


class MailRoot:
    """A MAIL_ROOT with domain ex.test and the given local accounts."""

    def __init__(self, path, accounts, server_vars=None, aliasdomains=None):
        self.path = path
        for d in ("domains", "spool/local", "spool/temp", "pop3links", "pop3linklocks",
                  "pop3locks", "msgsync", "logs", "tmp"):
            os.makedirs(os.path.join(path, d), exist_ok=True)
        self.write("domains.tab", q("ex.test"))
        self.write("mailusers.tab", "".join(
            q("ex.test", a, xmcrypt("x"), str(i + 1), a, "U") for i, a in enumerate(accounts)))
        self.write("aliasdomain.tab", "".join(q(a, r) for a, r in (aliasdomains or {}).items()))
        self.write("server.tab", "".join(q(k, v) for k, v in (server_vars or {}).items()))
        self.write("pop3links.tab", "")
        for a in accounts:
            for sub in ("new", "cur", "tmp"):
                os.makedirs(self.maildir(a, sub), exist_ok=True)

    def write(self, name, text):
        with open(os.path.join(self.path, name), "w") as f:
            f.write(text)

    def maildir(self, account, sub="new"):
        return os.path.join(self.path, "domains", "ex.test", account, "Maildir", sub)

    def set_links(self, links):
        """links: [(field1, field2, server, user, password, authtype)]."""
        self.write("pop3links.tab", "".join(
            q(f1, f2, srv, user, xmcrypt(pw), auth) for f1, f2, srv, user, pw, auth in links))

    def delivered(self, account):
        """Sorted contents of the account's Maildir/new and cur."""
        out = []
        for sub in ("new", "cur"):
            d = self.maildir(account, sub)
            for name in os.listdir(d):
                with open(os.path.join(d, name), "rb") as f:
                    out.append(f.read())
        return sorted(out)

    def run(self, *extra, timeout=120):
        """Runs one PSYNC cycle (--once); returns the CompletedProcess."""
        cmd = [psyncd_bin(), "-Ms", self.path, "--once", "-P-", "-B-"] + list(extra)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def wait_for(cond, seconds=15):
    """Polls cond() every 50 ms until it is true (True) or `seconds` pass (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return False


def check(cond, what, extra=""):
    if not cond:
        print(f"FAIL: {what}\n{extra}", file=sys.stderr)
        sys.exit(1)


_SEQ = [0]


def add_remote_messages(d, user, msgs):
    """Drops messages into a Dovecot user's Maildir/new under names unique to this process
    (harness.fill_maildir reuses names within one second)."""
    import pwd
    import time
    mail = pwd.getpwnam(dovecot.MAIL_USER)
    md = d.maildir(user)
    for data in msgs:
        _SEQ[0] += 1
        name = f"{time.time_ns()}.P{os.getpid()}Q{_SEQ[0]}.psynctest"
        tmp = os.path.join(md, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
        # Only our own files: Dovecot may be renaming its own files in this Maildir now.
        os.chown(tmp, mail.pw_uid, mail.pw_gid)
        os.rename(tmp, os.path.join(md, "new", name))
