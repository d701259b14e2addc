"""Shared pieces of the tests against the real XMail (tests/integration/xmail_*_test.py): the
messages that break naive dot-stuffing and line-end handling, what a POP3 client must
receive for each, psyncd runs on an XMail-made MAIL_ROOT (its POP3 server only, or one
PSYNC cycle) and the check/report helpers.

Does not: build or start XMail (harness/xmail.py) or Dovecot (harness/dovecot.py)."""
import os
import re
import signal
import socket
import subprocess
import sys
import time

from harness import xmail
from harness.dovecot import free_port
from psync_mailroot import wait_for  # noqa: F401 (the xmail tests take it from here)

DOMAIN = "xmail.test"
FAILURES = []


def check(cond, what, extra=""):
    """Records a failure (the test goes on to report every difference, then exits 1)."""
    if not cond:
        FAILURES.append(what)
        print(f"FAIL: {what}" + (f"\n{extra}" if extra else ""), file=sys.stderr)
    return cond


def finish():
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)", file=sys.stderr)
        return 1
    print("ok")
    return 0


def _msg(n, body, head=b""):
    return (f"From: sender@remote.test\r\nTo: alice@{DOMAIN}\r\n"
            f"Subject: xmail-interop {n}\r\nMessage-ID: <m{n}@remote.test>\r\n").encode() + \
        head + b"\r\n" + body


# Each message is stored as it is on the sending side (Dovecot's Maildir, or SMTP DATA
# before stuffing); the names say what each one breaks.
MESSAGES = [
    ("lone dot lines", _msg(1, b"first\r\n.\r\nmiddle\r\n.\r\n")),
    ("leading dots", _msg(2, b".dot\r\n..two dots\r\n...three\r\n. space\r\n.\tTab\r\nend\r\n")),
    ("bare LF", _msg(3, b"bare\nLF lines\n.\n.dot after LF\nmixed\r\nend\n")),
    ("no final newline", _msg(4, b"line\r\nlast line without newline")),
    ("no final newline after a dot", _msg(5, b"line\r\n.")),
    ("long lines", _msg(6, b"x" * 5000 + b"\r\n." + b"y" * 3000 + b"\r\nend\r\n")),
    ("8-bit bytes", _msg(7, bytes(range(0x80, 0x100)) + b"\r\nsmall \xe9\xe8\xff\r\n.\xe9\r\n",
                         b"Content-Type: text/plain; charset=latin1\r\n")),
    ("no dots at all", _msg(8, b"plain body\r\nsecond line\r\n")),
]


def normalized(message):
    """What a POP3 client must receive for `message` (unstuffed): every line ends in CRLF,
    bare LF included, and the last line has one (RFC 1939 sends lines)."""
    out = re.sub(rb"(?<!\r)\n", b"\r\n", message)
    return out if out.endswith(b"\r\n") else out + b"\r\n"


def split_message(data):
    """(header lines, body) at the first empty line."""
    head, sep, body = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n"), body


def subject(data):
    m = re.search(rb"^Subject: (xmail-interop \d+)\r?$", data, re.M)
    return m.group(1).decode() if m else None


def by_subject(messages):
    return {subject(m): i for i, m in enumerate(messages)}


def psyncd_bin():
    path = os.environ.get("PSYNCD_BIN") or os.path.join(
        os.environ.get("PSYNCD_BINARY_DIR", ""), "app", "psyncd")
    if not os.path.exists(path):
        print(f"FAIL: psyncd not found at {path} (PSYNCD_BIN)", file=sys.stderr)
        sys.exit(1)
    return path


class Psyncd:
    """psyncd's POP3 server only (-Y-) on `root`, loopback, a port chosen at run time."""

    def __init__(self, root, mailbox="MM", extra_args=()):
        self.root, self.mailbox, self.extra_args = root, mailbox, list(extra_args)
        self.port = 0
        self.proc = None
        self.log_path = root + f".psyncd-{mailbox}.log"

    def __enter__(self):
        for _ in range(4):
            self.port = free_port()
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(
                [psyncd_bin(), "-Ms", self.root, "-Y-", f"-{self.mailbox}", "-Pp", str(self.port),
                 "-PI", "127.0.0.1", "-B-", *self.extra_args], stdout=log, stderr=log, stdin=subprocess.DEVNULL)
            log.close()
            if self._ready():
                return self
            self.__exit__()
        raise RuntimeError(f"psyncd POP3 did not start:\n{self.log()}")

    def _ready(self):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                    s.settimeout(5)
                    if s.recv(512).startswith(b"+OK"):
                        return True
            except OSError:
                time.sleep(0.05)
        return False

    def log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()[-3000:]

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def psyncd_once(root, mailbox="MM", *extra, timeout=120):
    """One PSYNC cycle of psyncd on `root` (no POP3 listener); the CompletedProcess."""
    return subprocess.run([psyncd_bin(), "-Ms", root, f"-{mailbox}", "--once", "-P-", "-B-",
                           *extra], capture_output=True, text=True, timeout=timeout)


def xmail_root(tmp, bindir, name, mailbox="MM", **kw):
    """A started XMail on a fresh MAIL_ROOT tmp/name with domain DOMAIN (PSYNC off unless
    psync_interval is given)."""
    x = xmail.XMail(os.path.join(tmp, name), bindir, mailbox, **kw)
    x.make_root(DOMAIN).start()
    x.ctrl("domainadd", DOMAIN)
    return x


def mailbox_files(root, user, mailbox="MM", domain=DOMAIN):
    """Bytes of every message file of a local account (Maildir new+cur, or mailbox/)."""
    base = os.path.join(root, "domains", domain, user)
    dirs = [os.path.join(base, "Maildir", s) for s in ("new", "cur")] if mailbox == "MM" \
        else [os.path.join(base, "mailbox")]
    out = []
    for d in dirs:
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if not name.startswith("."):
                with open(os.path.join(d, name), "rb") as f:
                    out.append(f.read())
    return out
