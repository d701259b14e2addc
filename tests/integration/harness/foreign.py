"""POP3 servers other than Dovecot, for interop tests: their Debian packages conflict with
dovecot-pop3d, so they are fetched with `apt-get download` and unpacked with `dpkg -x` into the
build tree (BUILD/foreign-pop3/<name>/root, once per build tree), and run from there.

They have system paths compiled in (/etc/courier, /var/mail, /var/lib/popa3d, ...), so each
runs in a private mount namespace (`unshare -m`) in which a throw-away passwd/shadow/group
(and the server's own configuration) is overlaid on /etc and the paths it needs are mounted
from the test's temp directory: nothing outside the namespace changes. Needs root.
- Courier (courier-pop): couriertcpd -> courierpop3login -> courierpop3d, authenticated by
  authdaemond through PAM, Maildir in the user's home.
- popa3d, Solid POP3 and GNU Mailutils pop3d: one process per connection behind socat, PAM,
  mbox in /var/mail/<user>.
- Cyrus IMAP's pop3d under its master process (as its own cyrus user), mail delivered through
  lmtpd's socket; every password is accepted (sasl_pwcheck_method alwaystrue).

  srv = Courier(build_dir, tmp)          # raises Unavailable with the reason
  srv.add_user("joe", "secret")
  srv.start(sasl="PLAIN LOGIN")          # Courier: CAPA's SASL line; "" offers none
  srv.add_messages("joe", [b"..."])      # messages as they are stored on the server
  srv.stop()
"""
import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import time

POPA3D_PACKAGES = ["popa3d"]
SOLID_PACKAGES = ["solid-pop3d", "liblockfile1"]
CYRUS_PACKAGES = ["cyrus-common", "cyrus-pop3d", "libclamav12", "libical3", "libicu72",
                  "libjansson4", "libxapian30", "libzephyr4", "libsasl2-modules", "libwrap0",
                  "libpq5", "libpcre3"]
MAILUTILS_PACKAGES = ["mailutils-pop3d", "libmailutils9", "libmu-dbm9", "mailutils-common",
                      "libkyotocabinet16v5", "libgsasl18", "libwrap0", "libldap-2.5-0",
                      "libmariadb3", "liblzo2-2", "libpq5", "libltdl7"]
COURIER_PACKAGES = ["courier-pop", "courier-base", "courier-authlib", "courier-authdaemon",
                    "libcourier-unicode4", "libidn12", "libgamin0", "libltdl7"]


class Unavailable(Exception):
    """The server cannot be run here (a package, unshare or root is missing)."""


def unpack(build_dir, name, packages):
    """BUILD/foreign-pop3/<name>/root with `packages` unpacked in it (cached). One test at a
    time: ctest -j runs several, and `apt-get update` takes a lock."""
    os.makedirs(os.path.join(build_dir, "foreign-pop3"), exist_ok=True)
    with open(os.path.join(build_dir, "foreign-pop3", ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _unpack(build_dir, name, packages)


def _unpack(build_dir, name, packages):
    base = os.path.join(build_dir, "foreign-pop3", name)
    root = os.path.join(base, "root")
    stamp = os.path.join(base, "unpacked")
    if os.path.exists(stamp):
        return root
    debs = os.path.join(base, "debs")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(debs)
    r = subprocess.run(["apt-get", "download"] + packages, cwd=debs, capture_output=True,
                       text=True, timeout=300)
    if r.returncode != 0:  # no package lists yet on a fresh machine
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, timeout=300)
        r = subprocess.run(["apt-get", "download"] + packages, cwd=debs, capture_output=True,
                           text=True, timeout=300)
    if r.returncode != 0:
        raise Unavailable(f"apt-get download {' '.join(packages)}: {r.stderr.strip()[-500:]}")
    for deb in sorted(os.listdir(debs)):
        subprocess.run(["dpkg", "-x", os.path.join(debs, deb), root], check=True, timeout=120)
    # Some packages still ship /lib: merged into usr/lib, which is what gets overlaid (Debian
    # 12's /lib is a link to usr/lib).
    if os.path.isdir(os.path.join(root, "lib")) and not os.path.islink(os.path.join(root, "lib")):
        os.makedirs(os.path.join(root, "usr", "lib"), exist_ok=True)
        subprocess.run(["cp", "-a", os.path.join(root, "lib") + "/.",
                        os.path.join(root, "usr", "lib")], check=True)
        shutil.rmtree(os.path.join(root, "lib"))
    with open(stamp, "w") as f:
        f.write("\n".join(sorted(os.listdir(debs))) + "\n")
    return root


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_greeting(port, seconds=15):
    """The greeting line, once the server answers on `port`; None after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                data = s.recv(512)
                if data.startswith(b"+OK"):
                    s.sendall(b"QUIT\r\n")
                    return data
        except OSError:
            pass
        time.sleep(0.1)
    return None


class NamespacedServer:
    """Users, the fake /etc and the process group of a server run in a mount namespace."""
    FIRST_UID = 5000
    NAME = ""
    PACKAGES = []
    SYSTEM_USERS = []  # (name, uid) the server itself needs in passwd

    def __init__(self, build_dir, tmp):
        if os.geteuid() != 0:
            raise Unavailable(f"{self.NAME} needs root (a mount namespace, setuid to the user)")
        if shutil.which("unshare") is None:
            raise Unavailable("unshare (util-linux) is missing")
        self.root = unpack(build_dir, self.NAME, self.PACKAGES)
        self.tmp = os.path.join(tmp, self.NAME)
        self.etc = os.path.join(self.tmp, "etc")
        os.makedirs(self.etc, exist_ok=True)
        for d in (tmp, self.tmp):  # the mail users must reach their mail below them
            os.chmod(d, 0o755)
        self.users = {}
        self.proc = None
        self.port = None
        self.log = os.path.join(self.tmp, f"{self.NAME}.log")

    def add_user(self, name, password):
        uid = self.FIRST_UID + len(self.users)
        home = os.path.join(self.tmp, "home", name)
        os.makedirs(home, exist_ok=True)
        os.chown(home, uid, uid)
        self.users[name] = (uid, password, home)

    def write_etc(self):
        for name in ("passwd", "shadow", "group"):
            shutil.copy(os.path.join("/etc", name), os.path.join(self.etc, name))
        with open(os.path.join(self.etc, "passwd"), "a") as pw, \
                open(os.path.join(self.etc, "shadow"), "a") as sh, \
                open(os.path.join(self.etc, "group"), "a") as gr:
            for name, uid in self.SYSTEM_USERS:
                pw.write(f"{name}:x:{uid}:{uid}::/nonexistent:/usr/sbin/nologin\n")
                sh.write(f"{name}:*:19000:0:99999:7:::\n")
                gr.write(f"{name}:x:{uid}:\n")
            for name, (uid, password, home) in self.users.items():
                hashed = subprocess.run(["openssl", "passwd", "-6", password], check=True,
                                        capture_output=True, text=True).stdout.strip()
                pw.write(f"{name}:x:{uid}:{uid}::{home}:/bin/sh\n")
                sh.write(f"{name}:{hashed}:19000:0:99999:7:::\n")
                gr.write(f"{name}:x:{uid}:\n")

    def run_in_namespace(self, body):
        """Runs the shell script `body` in a new mount namespace whose /etc has our users;
        returns once the server greets on self.port."""
        self.write_etc()
        script = os.path.join(self.tmp, "run.sh")
        with open(script, "w") as f:
            f.write(f"set -e\nmount -t overlay overlay -o lowerdir={self.etc}:/etc /etc\n{body}")
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh",
                                          script], stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        if wait_greeting(self.port) is None:
            self.stop()
            with open(self.log, errors="replace") as f:
                raise Unavailable(f"{self.NAME} did not answer on its port:\n" +
                                  f.read()[-2000:])
        return self.port

    def stop(self):
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None


class Courier(NamespacedServer):
    NAME = "courier"
    PACKAGES = COURIER_PACKAGES

    def add_user(self, name, password):
        super().add_user(name, password)
        uid, _, home = self.users[name]
        for sub in ("", "/new", "/cur", "/tmp"):
            os.makedirs(os.path.join(home, "Maildir") + sub, exist_ok=True)
            os.chown(os.path.join(home, "Maildir") + sub, uid, uid)

    def maildir(self, user, sub="new"):
        return os.path.join(self.users[user][2], "Maildir", sub)

    def add_messages(self, user, msgs):
        uid = self.users[user][0]
        for data in msgs:
            name = f"{time.time_ns()}.P{os.getpid()}.foreigntest"
            tmp = os.path.join(self.maildir(user, "tmp"), name)
            with open(tmp, "wb") as f:
                f.write(data)
            os.chown(tmp, uid, uid)
            os.rename(tmp, os.path.join(self.maildir(user, "new"), name))

    def remaining(self, user):
        return sum(len(os.listdir(self.maildir(user, s))) for s in ("new", "cur"))

    def start(self, sasl=""):
        os.makedirs(os.path.join(self.etc, "courier"), exist_ok=True)
        with open(os.path.join(self.etc, "courier", "authdaemonrc"), "w") as f:
            f.write('authmodulelist="authpam"\ndaemons=2\n'
                    'authdaemonvar=/run/courier/authdaemon\nDEBUG_LOGIN=0\n')
        self.port = free_port()
        lib = "/usr/lib/courier/courier"
        return self.run_in_namespace(f"""mount -t overlay overlay -o lowerdir={self.root}/usr/lib:/usr/lib /usr/lib
mount -t tmpfs tmpfs /run
mkdir -p /run/courier/authdaemon
/usr/lib/courier/courier-authlib/authdaemond &
i=0
while [ ! -S /run/courier/authdaemon/socket ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
export POP3AUTH="{sasl}" POP3AUTH_TLS="" POP3_PROXY=0
exec {self.root}/usr/sbin/couriertcpd -address=127.0.0.1 -nodnslookup -noidentlookup \\
  -maxprocs=20 -maxperip=20 {self.port} {lib}/courierpop3login {lib}/courierpop3d Maildir
""")


class MboxInetd(NamespacedServer):
    """An inetd-style server behind socat; mbox files in a /var/mail of the test's own."""
    BINARY = ""
    VAR_LIB = []  # directories the server wants under /var/lib (empty, ours)

    def __init__(self, build_dir, tmp):
        if shutil.which("socat") is None:
            raise Unavailable("socat is missing (scripts/install-deps)")
        super().__init__(build_dir, tmp)
        self.spool = os.path.join(self.tmp, "mail")
        self.var_lib = os.path.join(self.tmp, "varlib")
        os.makedirs(self.spool, exist_ok=True)
        os.chmod(self.spool, 0o1777)
        for d in self.VAR_LIB + [""]:
            os.makedirs(os.path.join(self.var_lib, d), exist_ok=True)

    def mbox(self, user):
        return os.path.join(self.spool, user)

    def add_user(self, name, password):
        super().add_user(name, password)
        uid = self.users[name][0]
        with open(self.mbox(name), "ab"):
            pass
        os.chown(self.mbox(name), uid, uid)
        os.chmod(self.mbox(name), 0o600)

    def add_messages(self, user, msgs):
        """Appends mbox entries: a From_ line, the message, a blank line ("From " lines inside
        are quoted with '>', as mail delivery agents do)."""
        with open(self.mbox(user), "ab") as f:
            for data in msgs:
                body = re.sub(rb"(^|\n)From ", rb"\1>From ", data)
                if not body.endswith(b"\n"):
                    body += b"\n"
                f.write(b"From sender@example.org Thu Jan  1 00:00:00 2026\n" + body + b"\n")

    def remaining(self, user):
        with open(self.mbox(user), "rb") as f:
            return len(re.findall(rb"(?:^|\n)From ", f.read()))

    def start(self):
        self.port = free_port()
        lib = os.path.join(self.root, "usr", "lib")
        libs = f"mount -t overlay overlay -o lowerdir={lib}:/usr/lib /usr/lib\n"
        return self.run_in_namespace(f"""mount --bind {self.spool} /var/mail
{libs if os.path.isdir(lib) else ""}mount -t overlay overlay -o lowerdir={self.var_lib}:/var/lib /var/lib
exec socat TCP-LISTEN:{self.port},bind=127.0.0.1,reuseaddr,fork "EXEC:{self.root}{self.BINARY},nofork"
""")


class Popa3d(MboxInetd):
    NAME = "popa3d"
    PACKAGES = POPA3D_PACKAGES
    SYSTEM_USERS = [("popa3d", 4999)]  # it drops to this user and chroots to /var/lib/popa3d
    VAR_LIB = ["popa3d"]
    BINARY = "/usr/sbin/popa3d"


class Solid(MboxInetd):
    NAME = "solid"
    PACKAGES = SOLID_PACKAGES
    SYSTEM_USERS = [("spop3d", 4998)]  # it refuses to start without this user
    VAR_LIB = ["solid-pop3d/bulletins"]
    BINARY = "/usr/sbin/solid-pop3d"


class Mailutils(MboxInetd):
    NAME = "mailutils"
    PACKAGES = MAILUTILS_PACKAGES
    BINARY = "/usr/sbin/pop3d --inetd"


class Cyrus(NamespacedServer):
    NAME = "cyrus"
    PACKAGES = CYRUS_PACKAGES
    SYSTEM_USERS = [("cyrus", 4997)]

    def add_user(self, name, password):
        self.users[name] = (0, password, None)  # mailboxes are made by the first delivery

    def remaining(self, user):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            f = s.makefile("rb")
            f.readline()
            s.sendall(f"USER {user}\r\nPASS x\r\nSTAT\r\nQUIT\r\n".encode())
            f.readline()
            f.readline()
            return int(f.readline().split()[1])

    def add_messages(self, user, msgs):
        """Delivers through LMTP; Cyrus stores CRLF lines only, so LF ends become CRLF."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(30)
            s.connect(self.lmtp)
            f = s.makefile("rb")

            def reply(line=None):
                if line is not None:
                    s.sendall(line)
                while True:
                    got = f.readline()
                    if got[3:4] != b"-":
                        if got[:1] not in (b"2", b"3"):
                            raise RuntimeError(f"cyrus lmtp: {got!r}")
                        return got
            reply()
            reply(b"LHLO test\r\n")
            for data in msgs:
                data = re.sub(rb"\r?\n", b"\r\n", data)
                if not data.endswith(b"\r\n"):
                    data += b"\r\n"
                reply(b"MAIL FROM:<sender@example.org>\r\n")
                reply(f"RCPT TO:<{user}>\r\n".encode())
                reply(b"DATA\r\n")
                reply(re.sub(rb"(^|\r\n)\.", rb"\1..", data) + b".\r\n")
            reply(b"QUIT\r\n")

    def start(self, sasl="PLAIN LOGIN"):
        t = self.tmp
        for d in ("config", "spool"):
            os.makedirs(os.path.join(t, d), exist_ok=True)
            os.chown(os.path.join(t, d), 4997, 4997)
        self.port = free_port()
        self.lmtp = os.path.join(t, "config", "lmtp.sock")
        conf = os.path.join(t, "imapd.conf")
        with open(conf, "w") as f:
            f.write(f"""configdirectory: {t}/config
partition-default: {t}/spool
defaultpartition: default
sasl_pwcheck_method: alwaystrue
sasl_mech_list: {sasl}
allowplaintext: yes
popminpoll: 0
admins: cyrus
autocreate_quota: 0
autocreate_post: 1
lmtpsocket: {self.lmtp}
idlesocket: {t}/config/idle.sock
notifysocket: {t}/config/notify.sock
""")
        bin_dir = os.path.join(self.root, "usr", "lib", "cyrus", "bin")
        with open(os.path.join(t, "cyrus.conf"), "w") as f:
            f.write(f"""START {{
  recover cmd="{bin_dir}/ctl_cyrusdb -C {conf} -r"
}}
SERVICES {{
  pop3 cmd="{bin_dir}/pop3d -C {conf}" listen="127.0.0.1:{self.port}" prefork=0
  lmtpunix cmd="{bin_dir}/lmtpd -C {conf}" listen="{self.lmtp}" prefork=0
}}
EVENTS {{
}}
""")
        return self.run_in_namespace(f"""mount -t overlay overlay -o lowerdir={self.root}/usr/lib:/usr/lib /usr/lib
mount -t tmpfs tmpfs /run
exec {bin_dir}/master -C {conf} -M {t}/cyrus.conf -p /run/cyrus-master.pid
""")
