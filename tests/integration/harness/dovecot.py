"""A private Dovecot POP3 server for integration tests and benchmarks.

Starts `dovecot -c DIR/dovecot.conf` with its own base/state dirs, a passwd-file of
{PLAIN} users (so APOP and CRAM-MD5 work), maildirs filled with the given messages
(bytes, stored as they are), a plain POP3 listener (STLS) and a POP3S listener on free
loopback ports, and a self-signed certificate. It never leaves a process behind:
stop() is registered with atexit and every wait has a timeout.

Does not: manage several instances per directory, or configure IMAP.

CLI (for shell scripts):
  python3 -m harness.dovecot start DIR [--users N] [--messages M] [--size BYTES]
      prints "pop3=PORT pop3s=PORT" and writes DIR/ports.env (POP3_PORT=, POP3S_PORT=)
  python3 -m harness.dovecot stop DIR
Users are user1..userN with passwords secret1..secretN.
"""
import atexit
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"
MAIL_USER = "mail"


def tool_available():
    """True when the dovecot and doveadm binaries exist."""
    return os.path.exists(DOVECOT) and os.path.exists(DOVEADM)


def fail_or_skip(why):
    """Exit 77 (skip) because of `why`, or fail (exit 1) under CI=true."""
    if os.environ.get("CI") == "true":
        print(f"FAIL: {why} and CI=true", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {why}", file=sys.stderr)
    sys.exit(77)


def require_or_skip(name="dovecot"):
    """Exit 77 (skip) when a tool is missing, or fail (exit 1) under CI=true."""
    if not tool_available():
        fail_or_skip(f"{name} is not installed")


def free_port():
    """A port that was free a moment ago (bind 127.0.0.1:0, read it, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_message(index, size, subject=None):
    """A simple RFC 5322 message of about `size` bytes (CRLF line ends)."""
    subject = subject or f"message {index}"
    head = (f"From: sender@example.org\r\nTo: user@example.org\r\n"
            f"Subject: {subject}\r\nMessage-ID: <m{index}.{time.time_ns()}@example.org>\r\n\r\n")
    body = []
    line = f"line of message {index} " + "x" * 60
    total = len(head)
    while total < size:
        body.append(line + "\r\n")
        total += len(line) + 2
    return (head + "".join(body)).encode()


CONF_TEMPLATE = """\
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
info_log_path = {dir}/dovecot.log
protocols = pop3
listen = 127.0.0.1
ssl = yes
ssl_cert = <{dir}/cert.pem
ssl_key = <{dir}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login apop cram-md5 scram-sha-1 scram-sha-256
auth_failure_delay = 0
mail_location = maildir:~
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = 0
first_valid_gid = 0
default_internal_user = dovecot
default_login_user = dovenull
login_trusted_networks =
pop3_uidl_format = %f
passdb {{
  driver = passwd-file
  args = {dir}/passwd
}}
userdb {{
  driver = passwd-file
  args = {dir}/passwd
}}
service pop3-login {{
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {pop3}
  }}
  inet_listener pop3s {{
    address = 127.0.0.1
    port = {pop3s}
    ssl = yes
  }}
  process_min_avail = 2
  service_count = 0
}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def _make_traversable(path):
    """Adds o+x to `path` and its ancestors: Dovecot's auth and mail processes run as
    unprivileged users and must reach the passwd-file and maildirs (mkdtemp makes 0700)."""
    while path and path != "/":
        mode = os.stat(path).st_mode
        if not mode & 0o001:
            os.chmod(path, (mode & 0o7777) | 0o001)
        path = os.path.dirname(path)


class Dovecot:
    """One private Dovecot instance rooted at `directory`."""

    def __init__(self, directory, users=None):
        """users: {name: (password, [message bytes, ...])}."""
        self.dir = os.path.abspath(directory)
        self.users = users or {"user1": ("secret1", [make_message(1, 1000)])}
        self.pop3_port = 0
        self.pop3s_port = 0
        self.running = False
        self._pw = pwd.getpwnam(MAIL_USER)

    # --- set-up -----------------------------------------------------------------------------
    def _chown_tree(self, path):
        for root, dirs, files in os.walk(path):
            os.chown(root, self._pw.pw_uid, self._pw.pw_gid)
            for name in files:
                os.chown(os.path.join(root, name), self._pw.pw_uid, self._pw.pw_gid)

    def maildir(self, user):
        return os.path.join(self.dir, "mail", user)

    def fill_maildir(self, user, messages):
        """Puts each message (bytes, stored verbatim) into the user's Maildir/new/."""
        md = self.maildir(user)
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(md, sub), exist_ok=True)
        base = int(time.time())
        for i, data in enumerate(messages):
            name = f"{base}.M{i}P{os.getpid()}.psyncdtest"
            with open(os.path.join(md, "new", name), "wb") as f:
                f.write(data)
        self._chown_tree(md)

    def _write_cert(self):
        if os.path.exists(os.path.join(self.dir, "cert.pem")):
            return
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-subj", "/CN=localhost", "-days", "30",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                        "-keyout", os.path.join(self.dir, "key.pem"),
                        "-out", os.path.join(self.dir, "cert.pem")],
                       check=True, capture_output=True, timeout=60)

    def _write_files(self):
        os.makedirs(self.dir, exist_ok=True)
        os.chmod(self.dir, 0o755)
        _make_traversable(os.path.dirname(self.dir))
        self._write_cert()
        lines = []
        for name, (password, messages) in self.users.items():
            self.fill_maildir(name, messages)
            lines.append(f"{name}:{{PLAIN}}{password}::::{self.maildir(name)}::\n")
        with open(os.path.join(self.dir, "passwd"), "w") as f:
            f.writelines(lines)
        os.chmod(os.path.join(self.dir, "passwd"), 0o644)
        for sub in ("run", "state"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)

    def conf_path(self):
        return os.path.join(self.dir, "dovecot.conf")

    def _write_conf(self):
        text = CONF_TEMPLATE.format(dir=self.dir, uid=self._pw.pw_uid, gid=self._pw.pw_gid,
                                    pop3=self.pop3_port, pop3s=self.pop3s_port)
        with open(self.conf_path(), "w") as f:
            f.write(text)

    # --- life cycle -------------------------------------------------------------------------
    def start(self, attempts=5):
        """Starts Dovecot; retries with new ports if a port was taken meanwhile."""
        self._write_files()
        last = ""
        for _ in range(attempts):
            self.pop3_port, self.pop3s_port = free_port(), free_port()
            if self.pop3_port == self.pop3s_port:
                continue
            self._write_conf()
            atexit.register(self.stop)
            _exit_on_sigterm()
            with open(os.path.join(self.dir, "start.log"), "ab") as out:
                # Dovecot daemonizes; its output goes to a file, never a pipe we wait on.
                rc = subprocess.run([DOVECOT, "-c", self.conf_path()], stdout=out,
                                    stderr=out, stdin=subprocess.DEVNULL, timeout=30).returncode
            if rc == 0 and self._wait_ready():
                self.running = True
                self._write_ports()
                return self
            last = self._tail_logs()
            self.stop()
        raise RuntimeError(f"dovecot did not start in {self.dir}:\n{last}")

    def _wait_ready(self, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.pop3_port), timeout=2) as s:
                    s.settimeout(5)
                    if s.recv(512).startswith(b"+OK"):
                        return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def _tail_logs(self):
        text = ""
        for name in ("start.log", "dovecot.log"):
            path = os.path.join(self.dir, name)
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    text += f"--- {name}\n" + f.read()[-3000:]
        return text

    def _write_ports(self):
        with open(os.path.join(self.dir, "ports.env"), "w") as f:
            f.write(f"POP3_PORT={self.pop3_port}\nPOP3S_PORT={self.pop3s_port}\n")

    def master_pid(self):
        try:
            with open(os.path.join(self.dir, "run", "master.pid")) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def stop(self):
        """Stops the instance (doveadm stop, then SIGKILL the master if it lingers)."""
        stop_directory(self.dir)
        self.running = False

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def cert_path(self):
        return os.path.join(self.dir, "cert.pem")

    def message_count(self, user):
        md = self.maildir(user)
        return sum(len(os.listdir(os.path.join(md, s))) for s in ("new", "cur"))


def _exit_on_sigterm():
    """A SIGTERM (ctest timeout, kill) must still run atexit and stop Dovecot, which has
    daemonized and would otherwise outlive the test."""
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def stop_directory(directory):
    """Stops the Dovecot rooted at `directory`, if any. Safe to call twice."""
    directory = os.path.abspath(directory)
    conf = os.path.join(directory, "dovecot.conf")
    pid_file = os.path.join(directory, "run", "master.pid")
    if not os.path.exists(pid_file):
        return
    try:
        with open(pid_file) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return
    if not _pid_alive(pid):
        return
    try:
        subprocess.run([DOVEADM, "-c", conf, "stop"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, timeout=15)
    except (subprocess.TimeoutExpired, OSError):
        pass
    deadline = time.monotonic() + 10
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _pid_alive(pid):
        # The master kills its children when it dies; SIGKILL is the last resort.
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass


def _main(argv):
    import argparse
    p = argparse.ArgumentParser(prog="harness.dovecot")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("start")
    s.add_argument("dir")
    s.add_argument("--users", type=int, default=1)
    s.add_argument("--messages", type=int, default=3)
    s.add_argument("--size", type=int, default=4096)
    t = sub.add_parser("stop")
    t.add_argument("dir")
    args = p.parse_args(argv)
    if args.cmd == "stop":
        stop_directory(args.dir)
        return 0
    require_or_skip()
    users = {}
    for u in range(1, args.users + 1):
        msgs = [make_message(u * 100000 + i, args.size) for i in range(args.messages)]
        users[f"user{u}"] = (f"secret{u}", msgs)
    d = Dovecot(args.dir, users)
    d.start()
    atexit.unregister(d.stop)  # the CLI leaves it running until "stop DIR"
    print(f"pop3={d.pop3_port} pop3s={d.pop3s_port}")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
