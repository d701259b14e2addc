"""Helpers for the pop3d interop tests and bench: build a temp XMail MAIL_ROOT (tables,
Maildirs, self-signed server.cert/key), fill mailboxes with messages in our stored form, and
start/stop psyncd-pop3d-test (ports reported on stdout)."""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness.wire import wire_form  # noqa: E402,F401 (callers use R.wire_form)


def encode_password(plain):
    return "".join("%02x" % (b ^ 0x65) for b in plain.encode())


def find_server_binary():
    candidates = []
    if os.environ.get("PSYNCD_POP3D_TEST"):
        candidates.append(os.environ["PSYNCD_POP3D_TEST"])
    if os.environ.get("PSYNCD_BINARY_DIR"):
        candidates.append(os.path.join(os.environ["PSYNCD_BINARY_DIR"], "tests", "integration",
                                       "psyncd-pop3d-test"))
    for c in candidates:
        if os.path.exists(c):
            return c
    raise SystemExit("psyncd-pop3d-test not found: set PSYNCD_BINARY_DIR or PSYNCD_POP3D_TEST")


def make_message(index, size, subject=None):
    """A message of about `size` bytes, CRLF lines, with a dot-led line to exercise stuffing."""
    head = (f"From: sender{index}@example.org\r\nTo: alice@example.test\r\n"
            f"Subject: {subject or 'message %d' % index}\r\nMessage-ID: <m{index}@example.org>\r\n\r\n")
    body = [".leading dot line\r\n", "..two dots\r\n"]
    filler = f"line of message {index} " + "x" * 50 + "\r\n"
    total = len(head) + sum(len(b) for b in body)
    while total + len(filler) < size:
        body.append(filler)
        total += len(filler)
    body.append(".\r\n")  # a lone dot inside the body
    body.append("end\r\n")
    return (head + "".join(body)).encode()


class MailRoot:
    def __init__(self, path, domain="example.test", require_tls=False, greeting=None):
        self.path = path
        self.domain = domain
        os.makedirs(path, exist_ok=True)
        for d in ("domains", "pop3locks", "logs", "spool", "pop3links", "pop3linklocks", "msgsync"):
            os.makedirs(os.path.join(path, d), exist_ok=True)
        server = [f'"RootDomain"\t"{domain}"', f'"POP3Domain"\t"{domain}"']
        if require_tls:
            server.append('"Pop3RequireTLS"\t"1"')
        if greeting:
            server.append(f'"Pop3Greeting"\t"{greeting}"')
        self.write("server.tab", "\n".join(server) + "\n")
        self.write("domains.tab", f'"{domain}"\n')
        self.write("mailusers.tab", "")
        self.write("pop3links.tab", "")
        self.users = []
        self.next_id = 1
        self.counter = 0

    def write(self, name, text):
        with open(os.path.join(self.path, name), "w") as f:
            f.write(text)

    def maildir(self, user, sub="new"):
        return os.path.join(self.path, "domains", self.domain, user, "Maildir", sub)

    def add_user(self, user, password, pop_enable=True, ipmap=None):
        acct = os.path.join(self.path, "domains", self.domain, user)
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(acct, "Maildir", sub), exist_ok=True)
        with open(os.path.join(acct, "user.tab"), "w") as f:
            f.write(f'"PopEnable"\t"{1 if pop_enable else 0}"\n')
        if ipmap is not None:
            with open(os.path.join(acct, "pop3.ipmap.tab"), "w") as f:
                f.write(ipmap)
        with open(os.path.join(self.path, "mailusers.tab"), "a") as f:
            f.write(f'"{self.domain}"\t"{user}"\t"{encode_password(password)}"\t{self.next_id}'
                    f'\t"{user}"\t"U"\n')
        self.next_id += 1

    def add_message(self, user, data, suffix=True):
        """Stores `data` (CRLF lines) as our store does: in wire form, `<unique>,W=<size>`;
        returns the UIDL."""
        data = wire_form(data)
        self.counter += 1
        base = f"{1700000000 + self.counter}.{os.getpid()}.{self.counter:06d}.host"
        name = f"{base},W={len(data)}" if suffix else base
        with open(os.path.join(self.maildir(user), name), "wb") as f:
            f.write(data)
        return name

    def make_cert(self):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", os.path.join(self.path, "server.key"),
                        "-out", os.path.join(self.path, "server.cert")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @property
    def cert(self):
        return os.path.join(self.path, "server.cert")


class Server:
    """psyncd-pop3d-test on `root`; .pop3 / .pop3s are the bound ports."""

    def __init__(self, root, *args, stderr_path=None):
        self.root = root
        self.stderr_path = stderr_path or os.path.join(root.path, "server.stderr")
        self._err = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen([find_server_binary(), root.path, *args],
                                     stdout=subprocess.PIPE, stderr=self._err)
        self.pop3 = self.pop3s = None
        deadline = time.time() + 15
        while time.time() < deadline:
            line = self.proc.stdout.readline().decode().strip()
            if not line:
                raise SystemExit("psyncd-pop3d-test exited early:\n" + self.log())
            if line == "ready":
                break
            kind, port = line.split()
            setattr(self, kind, int(port))

    def log(self):
        if not self._err.closed:
            self._err.flush()
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._err.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def require_tool(name):
    """Returns the tool's path; a missing tool skips (77), or fails under CI=true."""
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("CI") == "true":
        raise SystemExit(f"FAIL: {name} is required under CI=true but is not installed")
    print(f"SKIP: {name} not installed")
    return None
