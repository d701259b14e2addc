"""The real XMail 1.27 as a peer for compatibility tests: builds it once per build tree (from
its pristine source, through the build script shipped beside that source), makes a fresh
MAIL_ROOT, starts it in the foreground on loopback ports chosen at run time, writes its
tables through its own control client (CtrlClnt) and stops it with SIGINT.

Does not: ship or patch XMail (its source and build script stay outside the repository;
XMAIL_SRC names the directory that holds them), or start Dovecot (harness/dovecot.py).

  bindir = xmail.require_build()          # exit 77 / fail under CI=true when it cannot
  with xmail.XMail(root_dir, bindir, mailbox="MM") as x:
      x.ctrl("domainadd", "ex.test"); x.ctrl("useradd", "ex.test", "alice", "pw", "U")
      x.smtp_send("from@ex.org", ["alice@ex.test"], data)
"""
import atexit
import fcntl
import os
import re
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if not __package__:  # run as a script (the build fixture): the harness package is beside it
    sys.path.insert(0, os.path.dirname(HERE))
from harness.dovecot import fail_or_skip, free_port  # noqa: E402
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
ADMIN, ADMIN_PW = "admin", "adminpw"
# The directories XMail expects in a MAIL_ROOT (it creates none of them itself).
ROOT_DIRS = ("cmdaliases", "tabindex", "dnscache/mx", "dnscache/ns", "custdomains", "filters",
             "logs", "pop3locks", "pop3linklocks", "pop3links", "spool/local", "spool/temp",
             "userauth/pop3", "userauth/smtp", "domains", "msgsync", "tmp")


def source_dir():
    """XMAIL_SRC, else the XMail peer directory kept beside the repository checkout."""
    return os.environ.get("XMAIL_SRC") or os.path.join(REPO, "..", "shared", "peers", "xmail")


def build_dir():
    """XMAIL_BUILD_DIR (the sanitizer run of scripts/test reuses the release build's XMail),
    else xmail/ in the build tree the tests belong to."""
    if os.environ.get("XMAIL_BUILD_DIR"):
        return os.path.abspath(os.environ["XMAIL_BUILD_DIR"])
    build = os.environ.get("PSYNCD_BINARY_DIR") or os.path.join(REPO, "build")
    return os.path.join(os.path.abspath(build), "xmail")


def require_build():
    """The bin/ directory of XMail built into the build tree (built once, reused: the build
    script skips an existing build; a lock keeps parallel tests from building twice)."""
    src = source_dir()
    script = os.path.join(src, "build.sh")
    if not os.path.exists(script) or not os.path.exists(os.path.join(src, "xmail-1.27.tar.xz")):
        fail_or_skip(f"XMail source not found in {src} (set XMAIL_SRC)")
    dest = build_dir()
    os.makedirs(dest, exist_ok=True)
    with open(os.path.join(dest, ".build.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        r = subprocess.run(["bash", script, dest], capture_output=True, text=True, timeout=900)
    bindir = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
    if r.returncode != 0 or not os.path.exists(os.path.join(bindir, "XMail")):
        # A build failure is never a skip: the tools are there, XMail did not build.
        print(f"FAIL: XMail build failed (exit {r.returncode}):\n{r.stdout}{r.stderr}",
              file=sys.stderr)
        sys.exit(1)
    return bindir


def q(*fields):
    return "\t".join(f'"{f}"' for f in fields) + "\n"


class XMail:
    """One XMail process on a fresh MAIL_ROOT at `root`. mailbox: "MM" (Maildir) or "Mm"
    (mailbox). psync_interval: None turns PSYNC off (-Y-), else its poll interval (-Yi).
    extra_args: more XMail flags."""

    def __init__(self, root, bindir, mailbox="MM", psync_interval=None, server_vars=None,
                 extra_args=()):
        self.root = os.path.abspath(root)
        self.bindir = bindir
        self.mailbox = mailbox
        self.psync_interval = psync_interval
        self.server_vars = server_vars or {}
        self.extra_args = list(extra_args)
        self.proc = None
        self.pop3_port = self.smtp_port = self.ctrl_port = 0
        self.log_path = self.root + ".out"

    # --- MAIL_ROOT ------------------------------------------------------------------------------
    def make_root(self, domain="xmail.test"):
        """A fresh MAIL_ROOT from XMail's own template, without its sample domain."""
        template = os.path.join(os.path.dirname(self.bindir), "MailRoot")
        shutil.copytree(template, self.root)
        shutil.rmtree(os.path.join(self.root, "domains", "xmailserver.test"))
        for d in ROOT_DIRS:
            os.makedirs(os.path.join(self.root, d), exist_ok=True)
        for name in ("domains.tab", "mailusers.tab", "aliases.tab", "pop3links.tab",
                     "aliasdomain.tab", "extaliases.tab"):
            self.write(name, "")
        pw = subprocess.run([os.path.join(self.bindir, "XMCrypt"), ADMIN_PW],
                            capture_output=True, text=True, check=True, timeout=10).stdout.strip()
        self.write("ctrlaccounts.tab", q(ADMIN, pw))
        # server.tab: XMail's template with its sample domain replaced by ours.
        with open(os.path.join(self.root, "server.tab")) as f:
            text = f.read().replace("xmailserver.test", domain)
        for k, v in self.server_vars.items():
            text += q(k, v)
        self.write("server.tab", text)
        return self

    def write(self, name, text):
        with open(os.path.join(self.root, name), "w") as f:
            f.write(text)

    def read(self, name):
        with open(os.path.join(self.root, name)) as f:
            return f.read()

    def user_dir(self, domain, user):
        return os.path.join(self.root, "domains", domain, user)

    # --- life cycle -----------------------------------------------------------------------------
    def argv(self):
        a = [os.path.join(self.bindir, "XMail"), "-Md", "-Ms", self.root, f"-{self.mailbox}",
             "-Pp", str(self.pop3_port), "-PI", "127.0.0.1", "-B-",
             "-Sp", str(self.smtp_port), "-SI", "127.0.0.1", "-X-",
             "-Cp", str(self.ctrl_port), "-CI", "127.0.0.1", "-W-", "-F-", "-Lt", "1",
             "-Pl", "-Sl", "-Ql", "-Ll", "-Yl"]
        if self.psync_interval is None:
            a.append("-Y-")
        else:
            a += ["-Yi", str(self.psync_interval)]
        return a + self.extra_args

    def start(self, attempts=4):
        if not os.path.exists(os.path.join(self.root, "server.tab")):
            self.make_root()
        piddir = self.root + ".pid"
        os.makedirs(piddir, exist_ok=True)
        env = dict(os.environ, XMAIL_PID_DIR=piddir)
        for _ in range(attempts):
            ports = {free_port() for _ in range(3)}
            if len(ports) < 3:
                continue
            self.pop3_port, self.smtp_port, self.ctrl_port = sorted(ports)
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(self.argv(), stdout=log, stderr=log,
                                         stdin=subprocess.DEVNULL, env=env)
            log.close()
            atexit.register(self.stop)
            if self._wait_ready():
                return self
            self.stop()
        raise RuntimeError(f"XMail did not start on {self.root}:\n{self.log_tail()}")

    def _wait_ready(self, timeout=20.0):
        deadline = time.monotonic() + timeout
        pending = {self.pop3_port, self.smtp_port, self.ctrl_port}
        while pending and time.monotonic() < deadline and self.proc.poll() is None:
            for port in list(pending):
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                        s.settimeout(5)
                        if s.recv(512)[:1] == b"+":
                            pending.discard(port)
                        elif port == self.smtp_port:
                            pending.discard(port)  # SMTP greets with "220"
                except OSError:
                    pass
            time.sleep(0.05)
        return not pending

    def log_tail(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def stop(self):
        """SIGINT (XMail 1.27 ignores SIGTERM), then MAIL_ROOT/.shutdown, then SIGKILL."""
        p = self.proc
        if p is None or p.poll() is not None:
            return
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=20)
            return
        except subprocess.TimeoutExpired:
            pass
        open(os.path.join(self.root, ".shutdown"), "w").close()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- talking to it --------------------------------------------------------------------------
    def ctrl(self, *args):
        """Runs one CtrlClnt command; returns its stdout, raises with its output on failure."""
        cmd = [os.path.join(self.bindir, "CtrlClnt"), "-s", "127.0.0.1", "-n",
               str(self.ctrl_port), "-u", ADMIN, "-p", ADMIN_PW, *args]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            raise RuntimeError(f"CtrlClnt {' '.join(args)}: exit {r.returncode}\n"
                               f"{r.stdout}{r.stderr}")
        return r.stdout

    def smtp_send(self, sender, rcpts, data):
        """Sends `data` (bytes) through XMail's SMTP as it is, only dot-stuffed, with CRLF
        added after a last line that has no line end (smtplib would also add one after a
        bare LF, which makes an empty line)."""
        wire = re.sub(rb"(?m)^\.", b"..", data)
        if not wire.endswith(b"\n"):
            wire += b"\r\n"
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as s:
            s.ehlo("client.test")
            s.mail(sender)
            for rcpt in rcpts:
                code, text = s.rcpt(rcpt)
                if code != 250:
                    raise RuntimeError(f"RCPT TO:<{rcpt}>: {code} {text!r}")
            code, text = s.docmd("DATA")
            if code != 354:
                raise RuntimeError(f"DATA: {code} {text!r}")
            s.send(wire + b".\r\n")
            code, text = s.getreply()
            if code != 250:
                raise RuntimeError(f"end of DATA: {code} {text!r}")

    def spool_empty(self):
        """True when XMail's queue holds no message (spool/<n>/<n>/{mess,rsnd,...} files)."""
        spool = os.path.join(self.root, "spool")
        for top, _dirs, files in os.walk(spool):
            rel = os.path.relpath(top, spool)
            if rel.split(os.sep)[0] in ("temp", "local"):
                continue
            if files and os.path.basename(top) in ("mess", "rsnd", "info", "slog", "temp"):
                return False
        return not os.listdir(os.path.join(spool, "local"))


if __name__ == "__main__":
    # "xmail.py build": the test fixture that builds XMail before the tests that need it.
    if sys.argv[1:] != ["build"]:
        sys.exit("usage: harness/xmail.py build")
    print(require_build())
