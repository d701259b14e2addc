#!/usr/bin/env python3
"""Hardening of psyncd's POP3 server against hostile clients, with real clients:
- TLS policy: POP3S and STLS refuse a static-RSA-only client (`openssl s_client -cipher
  AES128-SHA -tls1_2`, and Python's ssl with that suite) and an ECDHE-CBC-only one, and
  serve a modern client (TLS 1.2 ECDHE+AEAD, TLS 1.3); server.tab Pop3TLSCiphers changes the
  list; a bad Pop3TLSCiphers / Pop3TLSMinVersion stops the server with the variable named.
- RETR of a message replaced by a symlink (to a file outside the mailbox) or a FIFO after login
  gets -ERR [SYS/PERM] and a log line, and the session goes on.
- Log injection: newline and ESC bytes in an AUTH PLAIN user name reach stderr escaped.
- Slow clients: connections that never log in (one byte every 0.2 s) are closed at
  Pop3LoginTimeout, and a real login works while -PX is full of them.
Exit 0 pass, 1 fail, 77 skip (openssl missing; under CI=true a missing tool FAILS)."""
import base64
import os
import poplib
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pop3d_root as R  # noqa: E402

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print(f"FAIL: {what}", file=sys.stderr)
    return cond


def tls_client(port, ciphers=None, max_tls12=False, starttls=False):
    """Handshake result: (True, cipher name, version) or (False, error text)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if max_tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if ciphers:
        ctx.set_ciphers(ciphers)
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        if starttls:
            f = sock.makefile("rb")
            f.readline()
            sock.sendall(b"STLS\r\n")
            reply = f.readline()
            f.close()
            if not reply.startswith(b"+OK"):
                return False, f"STLS answered {reply!r}"
        with ctx.wrap_socket(sock) as tls:
            f = tls.makefile("rb")
            if not starttls:
                greeting = f.readline()
                if not greeting.startswith(b"+OK"):
                    return False, f"greeting {greeting!r}"
            tls.sendall(b"CAPA\r\n")
            capa = f.readline()
            f.close()
            if not capa.startswith(b"+OK"):
                return False, f"CAPA answered {capa!r}"
            return True, tls.cipher()[0], tls.version()
    except (ssl.SSLError, OSError) as e:
        return False, str(e)
    finally:
        sock.close()


def s_client(openssl, port, *args, starttls=False):
    # -ign_eof: read until the server closes after QUIT, so the greeting is in the output.
    cmd = [openssl, "s_client", "-ign_eof", "-connect", f"127.0.0.1:{port}", *args]
    if starttls:
        cmd += ["-starttls", "pop3"]
    r = subprocess.run(cmd, input=b"QUIT\r\n", capture_output=True, timeout=30)
    out = r.stdout.decode(errors="replace")
    return r.returncode == 0 and "Cipher is (NONE)" not in out and "+OK" in out, out


def test_tls(root, openssl):
    with R.Server(root) as srv:
        for port, stls in ((srv.pop3s, False), (srv.pop3, True)):
            where = "STLS" if stls else "POP3S"
            got = tls_client(port, "AES128-SHA:AES256-SHA:AES128-GCM-SHA256:AES256-SHA256",
                             max_tls12=True, starttls=stls)
            check(not got[0], f"{where}: a static-RSA-only client is refused ({got})")
            got = tls_client(port, "ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA384", max_tls12=True,
                             starttls=stls)
            check(not got[0], f"{where}: an ECDHE-CBC-only client is refused ({got})")
            got = tls_client(port, max_tls12=True, starttls=stls)
            check(got[0] and got[2] == "TLSv1.2" and got[1].startswith("ECDHE-") and
                  ("GCM" in got[1] or "CHACHA20" in got[1]),
                  f"{where}: a TLS 1.2 client gets ECDHE with AEAD ({got})")
            got = tls_client(port, starttls=stls)
            check(got[0] and got[2] == "TLSv1.3", f"{where}: a modern client gets TLS 1.3 ({got})")
            # Server order: the client prefers CBC and AES-128, the server's first AEAD suite wins.
            got = tls_client(port, "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384",
                             max_tls12=True, starttls=stls)
            check(got[0] and got[1] == "ECDHE-RSA-AES256-GCM-SHA384",
                  f"{where}: the server's cipher order wins ({got})")
        ok, out = s_client(openssl, srv.pop3s, "-cipher", "AES128-SHA", "-tls1_2")
        check(not ok, "POP3S: openssl s_client -cipher AES128-SHA -tls1_2 is refused:\n" + out[-400:])
        ok, out = s_client(openssl, srv.pop3, "-cipher", "AES128-SHA", "-tls1_2", starttls=True)
        check(not ok, "STLS: openssl s_client -cipher AES128-SHA -tls1_2 is refused:\n" + out[-400:])
        ok, out = s_client(openssl, srv.pop3s, "-tls1_2")
        check(ok, "POP3S: openssl s_client -tls1_2 works:\n" + out[-400:])
        ok, out = s_client(openssl, srv.pop3s)
        check(ok and "TLSv1.3" in out, "POP3S: openssl s_client (TLS 1.3) works:\n" + out[-400:])


def test_tls_settings(root):
    tab = os.path.join(root.path, "server.tab")
    with open(tab) as f:
        original = f.read()
    try:
        with open(tab, "a") as f:
            f.write('"Pop3TLSCiphers"\t"AES128-SHA"\n')
        with R.Server(root) as srv:
            got = tls_client(srv.pop3s, "AES128-SHA", max_tls12=True)
            check(got[0], f"Pop3TLSCiphers AES128-SHA lets that client in ({got})")
        for name, value in (("Pop3TLSCiphers", "NO-SUCH-CIPHER"), ("Pop3TLSMinVersion", "TLSv1")):
            with open(tab, "w") as f:
                f.write(original + f'"{name}"\t"{value}"\n')
            proc = subprocess.run([R.find_server_binary(), root.path], capture_output=True,
                                  timeout=30)
            err = proc.stderr.decode(errors="replace")
            check(proc.returncode != 0 and name in err and "server.tab" in err,
                  f"a bad {name} stops the server naming it: {proc.returncode} {err!r}")
        with open(tab, "w") as f:
            f.write(original + '"Pop3TLSMinVersion"\t"TLSv1.3"\n')
        with R.Server(root) as srv:
            got = tls_client(srv.pop3s, max_tls12=True)
            check(not got[0], f"Pop3TLSMinVersion TLSv1.3 refuses TLS 1.2 ({got})")
    finally:
        with open(tab, "w") as f:
            f.write(original)


def test_retr_swapped(root):
    names = [root.add_message("bob", R.make_message(i, 300)) for i in range(3)]
    secret = os.path.join(root.path, "secret-outside")
    with open(secret, "w") as f:
        f.write("root:secret-hash:::\n")
    new = root.maildir("bob")
    with R.Server(root) as srv:
        c = poplib.POP3("127.0.0.1", srv.pop3, timeout=10)
        c.user("bob")
        c.pass_("pw")
        os.unlink(os.path.join(new, names[0]))
        os.symlink(secret, os.path.join(new, names[0]))
        os.unlink(os.path.join(new, names[1]))
        os.mkfifo(os.path.join(new, names[1]))
        for n in (1, 2):
            try:
                c.retr(n)
                check(False, f"RETR {n} of a swapped file must fail")
            except poplib.error_proto as e:
                check(str(e) == f"b'-ERR [SYS/PERM] message {n} is not a regular file'",
                      f"RETR {n}: its own -ERR text: {e}")
        resp, lines, _ = c.retr(3)
        check(resp.startswith(b"+OK"), "the session goes on after a refused RETR")
        c.quit()
        time.sleep(0.2)
        log = srv.log()
        check("is a symbolic link (not served)" in log and "is a FIFO (not served)" in log
              and "pop3d: message not sent: user=bob@example.test ip=127.0.0.1" in log,
              "a refused RETR is logged:\n" + log[-800:])


def test_log_injection(root):
    with R.Server(root) as srv:
        sock = socket.create_connection(("127.0.0.1", srv.pop3), timeout=10)
        f = sock.makefile("rb")
        f.readline()
        user = b"x\npsyncd: warning: pop3d: login failed: user=y ip=6.6.6.6 reason=z\x1b[31m"
        sock.sendall(b"AUTH PLAIN " + base64.b64encode(b"\0" + user + b"\0pw") + b"\r\nQUIT\r\n")
        check(f.readline().startswith(b"-ERR [AUTH]"), "forged AUTH PLAIN user fails")
        f.readline()
        f.close()
        sock.close()
        time.sleep(0.2)
        log = srv.log()
    lines = [l for l in log.split("\n") if "login failed" in l]
    check(len(lines) == 1 and " ip=127.0.0.1 " in lines[0] and " ip=6.6.6.6" not in lines[0]
          and "\x1b" not in log and "user=x\\x0apsyncd:\\x20warning:" in lines[0],
          f"the user name is escaped on stderr: {lines!r}")


def slow_client(port, stop, closed):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.settimeout(0.2)
    except OSError:
        return
    try:
        while not stop.is_set():
            s.sendall(b"X")
            try:
                if s.recv(4096) == b"":
                    closed.append(1)
                    return
            except socket.timeout:
                pass
            except OSError:
                closed.append(1)
                return
    except OSError:
        closed.append(1)
    finally:
        s.close()


def test_slow_clients(root):
    tab = os.path.join(root.path, "server.tab")
    with open(tab) as f:
        original = f.read()
    with open(tab, "a") as f:
        f.write('"Pop3LoginTimeout"\t"3"\n"Pop3Threads"\t"1"\n')
    try:
        with R.Server(root, "--max-sessions", "20", "--quiet") as srv:
            stop, closed = threading.Event(), []
            threads = [threading.Thread(target=slow_client, args=(srv.pop3, stop, closed))
                       for _ in range(40)]
            for t in threads:
                t.start()
            time.sleep(0.5)
            c = poplib.POP3("127.0.0.1", srv.pop3, timeout=10)
            c.user("carol")
            c.pass_("pw3")
            check(c.stat()[0] == 0, "a real login works while -PX is full of slow clients")
            c.quit()
            deadline = time.time() + 15
            while time.time() < deadline and len(closed) < 40:
                time.sleep(0.2)
            stop.set()
            for t in threads:
                t.join(10)
            check(len(closed) == 40, f"every slow client was closed (evicted or at the "
                                     f"login deadline): {len(closed)} of 40")
            log = srv.log()
            check(log.count("\n") < 10, f"a few log lines for 40 slow clients:\n{log}")
    finally:
        with open(tab, "w") as f:
            f.write(original)


def main():
    openssl = R.require_tool("openssl")
    if not openssl:
        return 77
    with tempfile.TemporaryDirectory(prefix="psyncd-pop3d-hardening-") as tmp:
        root = R.MailRoot(os.path.join(tmp, "root"))
        root.make_cert()
        root.add_user("bob", "pw")
        root.add_user("carol", "pw3")
        test_tls(root, openssl)
        test_tls_settings(root)
        test_retr_swapped(root)
        test_log_injection(root)
        test_slow_clients(root)
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)", file=sys.stderr)
        return 1
    print("pop3d hardening: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
