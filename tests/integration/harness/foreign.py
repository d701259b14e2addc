"""POP3 servers other than Dovecot, for interop tests: their Debian packages conflict with
dovecot-pop3d, so they are fetched with `apt-get download` and unpacked with `dpkg -x` into the
build tree (BUILD/foreign-pop3/<name>/root, once per build tree), and run from there.

Courier (courier-pop): couriertcpd -> courierpop3login -> courierpop3d, authenticated by
authdaemond through PAM. Those programs have /etc/courier, /usr/lib/courier-authlib and
/run/courier compiled in, so they run in a private mount namespace (`unshare -m`) in which
the unpacked tree is overlaid on /usr/lib, a throw-away passwd/shadow/group and authdaemonrc on
/etc, and a tmpfs on /run: nothing outside the namespace changes. Needs root.

  srv = Courier(build_dir, tmp)          # raises Unavailable with the reason
  srv.add_user("joe", "secret")
  srv.start(sasl="PLAIN LOGIN")          # CAPA's SASL line; "" offers none
  srv.add_messages("joe", [b"..."])      # files as they are stored on the server
  srv.stop()
"""
import os
import shutil
import signal
import socket
import subprocess
import time

COURIER_PACKAGES = ["courier-pop", "courier-base", "courier-authlib", "courier-authdaemon",
                    "libcourier-unicode4", "libidn12", "libgamin0", "libltdl7"]


class Unavailable(Exception):
    """The server cannot be run here (a package, unshare or root is missing)."""


def unpack(build_dir, name, packages):
    """BUILD/foreign-pop3/<name>/root with `packages` unpacked in it (cached)."""
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


class Courier:
    FIRST_UID = 5000

    def __init__(self, build_dir, tmp):
        if os.geteuid() != 0:
            raise Unavailable("Courier needs root (a mount namespace and setuid to the user)")
        if shutil.which("unshare") is None:
            raise Unavailable("unshare (util-linux) is missing")
        self.root = unpack(build_dir, "courier", COURIER_PACKAGES)
        self.tmp = os.path.join(tmp, "courier")
        self.etc = os.path.join(self.tmp, "etc")
        os.makedirs(os.path.join(self.etc, "courier"), exist_ok=True)
        for d in (tmp, self.tmp):  # the mail users must reach their homes below them
            os.chmod(d, 0o755)
        self.users = {}
        self.proc = None
        self.port = None
        self.log = os.path.join(self.tmp, "courier.log")

    def add_user(self, name, password):
        uid = self.FIRST_UID + len(self.users)
        home = os.path.join(self.tmp, "home", name)
        for sub in ("new", "cur", "tmp"):
            os.makedirs(os.path.join(home, "Maildir", sub), exist_ok=True)
        for d, _, files in os.walk(home):
            os.chown(d, uid, uid)
        self.users[name] = (uid, password, home)

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

    def _write_etc(self):
        for name in ("passwd", "shadow", "group"):
            shutil.copy(os.path.join("/etc", name), os.path.join(self.etc, name))
        with open(os.path.join(self.etc, "passwd"), "a") as pw, \
                open(os.path.join(self.etc, "shadow"), "a") as sh, \
                open(os.path.join(self.etc, "group"), "a") as gr:
            for name, (uid, password, home) in self.users.items():
                hashed = subprocess.run(["openssl", "passwd", "-6", password], check=True,
                                        capture_output=True, text=True).stdout.strip()
                pw.write(f"{name}:x:{uid}:{uid}::{home}:/bin/sh\n")
                sh.write(f"{name}:{hashed}:19000:0:99999:7:::\n")
                gr.write(f"{name}:x:{uid}:\n")
        with open(os.path.join(self.etc, "courier", "authdaemonrc"), "w") as f:
            f.write('authmodulelist="authpam"\ndaemons=2\n'
                    'authdaemonvar=/run/courier/authdaemon\nDEBUG_LOGIN=0\n')

    def start(self, sasl=""):
        self._write_etc()
        self.port = free_port()
        lib = "/usr/lib/courier/courier"
        script = os.path.join(self.tmp, "run.sh")
        with open(script, "w") as f:
            f.write(f"""set -e
mount -t overlay overlay -o lowerdir={self.etc}:/etc /etc
mount -t overlay overlay -o lowerdir={self.root}/usr/lib:/usr/lib /usr/lib
mount -t tmpfs tmpfs /run
mkdir -p /run/courier/authdaemon
/usr/lib/courier/courier-authlib/authdaemond &
i=0
while [ ! -S /run/courier/authdaemon/socket ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
export POP3AUTH="{sasl}" POP3AUTH_TLS="" POP3_PROXY=0
exec {self.root}/usr/sbin/couriertcpd -address=127.0.0.1 -nodnslookup -noidentlookup \\
  -maxprocs=20 -maxperip=20 {self.port} {lib}/courierpop3login {lib}/courierpop3d Maildir
""")
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh",
                                          script], stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        greeting = wait_greeting(self.port)
        if greeting is None:
            self.stop()
            with open(self.log, errors="replace") as f:
                raise Unavailable("Courier did not answer on its port:\n" + f.read()[-2000:])
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
