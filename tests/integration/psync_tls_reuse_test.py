#!/usr/bin/env python3
"""TLS state kept across connections by the daemon (pop3/client/tls_session_cache.hpp,
pop3/client/trust_store.hpp), against a POP3S server made with Python's ssl module, which can
tell whether a handshake resumed a session (Dovecot cannot):
  - a cycle's connections to a server resume the sessions of the cycle before (-Yt 1, two
    links, two triggered cycles);
  - CAPA is asked by a cycle's first connection to a server only; the later ones reuse its
    list (psync/cycle_capa_memory.hpp) and still log in;
  - every session ends with a QUIT, also the ones that have nothing to commit;
  - after certs.pem stops trusting the server, no session is resumed past the change: the
    next cycle fails both links on the certificate, and the server sees no login;
  - a -ERR greeting read without libcurl (remembered CAPA) fails that link only, quoting it;
  - the daemon logs one "psync cycle: N links, F failed, M messages, T s" line per cycle.
The server is scripted (empty maildrops) because only the TLS layer is under test here."""
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from psync_mailroot import MailRoot, check, psyncd_bin, wait_for  # noqa: E402


def make_cert(directory, name):
    key, cert = os.path.join(directory, f"{name}.key"), os.path.join(directory, f"{name}.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
                    f"/CN={name}", "-days", "2", "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    return cert, key


class Pop3sServer:
    """Answers every login with an empty maildrop; records, per connection, whether the
    handshake resumed a session, the commands, and handshakes that failed."""

    def __init__(self, cert, key):
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(cert, key)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.sessions = []  # (resumed, [commands])
        self.failed_handshakes = 0
        self.refuse_from = None  # sessions from this index on are greeted with -ERR
        self.lock = threading.Lock()
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while True:
            try:
                raw, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(raw,), daemon=True).start()

    def serve(self, raw):
        raw.settimeout(20)
        try:
            conn = self.ctx.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            with self.lock:
                self.failed_handshakes += 1
            raw.close()
            return
        commands = []
        with self.lock:
            self.sessions.append((conn.session_reused, commands))
            refuse = self.refuse_from is not None and len(self.sessions) > self.refuse_from
        replies = {"CAPA": "+OK\r\nUSER\r\nPIPELINING\r\nUIDL\r\n.\r\n", "STAT": "+OK 0 0\r\n",
                   "UIDL": "+OK\r\n.\r\n", "LIST": "+OK\r\n.\r\n"}
        try:
            if refuse:
                conn.sendall(b"-ERR [SYS/TEMP] too busy, try later\r\n")
                return
            conn.sendall(b"+OK ready\r\n")
            buf = b""
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                buf += data
                while b"\r\n" in buf:
                    line, buf = buf.split(b"\r\n", 1)
                    word = line.decode().split(" ")[0].upper()
                    commands.append(word)
                    conn.sendall(replies.get(word, "+OK\r\n").encode())
                    if word == "QUIT":
                        return
        except (ssl.SSLError, OSError):
            pass
        finally:
            conn.close()


def cycle_lines(log_path):
    with open(log_path) as f:
        return [ln.strip() for ln in f if "psync cycle: " in ln]


def copy_file(src, dst):
    with open(src) as s, open(dst, "w") as d:
        d.write(s.read())


def await_cycle(log_path, count, trigger=None):
    """Waits for the daemon's count-th cycle line (touching `trigger` first to start it);
    returns that line and the log written since the cycle before it ended."""
    if trigger:
        with open(trigger, "w"):
            pass
    check(wait_for(lambda: len(cycle_lines(log_path)) == count, 30), f"cycle {count} ran",
          open(log_path).read())
    lines = cycle_lines(log_path)
    with open(log_path) as f:
        text = f.read()
    return lines[count - 1], text.split(lines[count - 2])[-1] if count > 1 else text


def main():
    with tempfile.TemporaryDirectory(prefix="psyncd-tlsreuse-") as tmp:
        cert_a, key_a = make_cert(tmp, "server-a")
        cert_b, _ = make_cert(tmp, "other-b")
        server = Pop3sServer(cert_a, key_a)
        # No failure delays: every cycle polls both links, whatever the last one did.
        mr = MailRoot(os.path.join(tmp, "root"), ["u1", "u2"],
                      server_vars={"PsyncFailedHostDelay": "0", "PsyncFailedAccountDelay": "0"})
        where = f"127.0.0.1:{server.port}"
        mr.set_links([("ex.test", "u1", where, "r1", "pw1", "POP3S"),
                      ("ex.test", "u2", where, "r2", "pw2", "POP3S")])
        certs = os.path.join(mr.path, "certs.pem")
        copy_file(cert_a, certs)
        log_path = os.path.join(tmp, "psyncd.log")
        trigger = os.path.join(mr.path, ".psync-trigger")
        with open(log_path, "w") as log:
            p = subprocess.Popen([psyncd_bin(), "-Ms", mr.path, "-Yi", "0", "-Yt", "1", "-P-",
                                  "-B-"], stdout=log, stderr=log)
        try:
            await_cycle(log_path, 1)
            await_cycle(log_path, 2, trigger)
            lines = cycle_lines(log_path)
            check(all("2 links, 0 failed, 0 messages" in ln for ln in lines),
                  "cycle lines count links, failures and messages", "\n".join(lines))
            with server.lock:
                resumed = [r for r, _ in server.sessions]
                commands = [c for _, c in server.sessions]
            # libcurl keeps a session per scheme: pop3s:// for a cycle's first connection to a
            # server (which asks CAPA), https:// for the ones that reuse its CAPA list.
            check(resumed[0] is False and resumed[2:] == [True, True],
                  "the next cycle's handshakes resume the sessions of the last", str(resumed))
            check([c.count("CAPA") for c in commands] == [1, 0, 1, 0],
                  "CAPA is asked once per server and cycle, its list reused by later links",
                  str(commands))
            check(all(c and c[-1] == "QUIT" for c in commands),
                  "every session ends with QUIT", str(commands))

            # The server's CA leaves certs.pem: no session may outlive that.
            copy_file(cert_b, certs)
            third, text = await_cycle(log_path, 3, trigger)
            check("2 links, 2 failed" in third, "both links fail once the CA is gone", third)
            with server.lock:
                check(len(server.sessions) == 4 and server.failed_handshakes == 2,
                      "no handshake completed against the old trust",
                      f"{len(server.sessions)} sessions, {server.failed_handshakes} failed")
            check("certificate" in text.lower(), "the failure names the certificate",
                  text[-2000:])

            # Trusted again; the cycle's second connection, which reads the greeting itself
            # (CAPA remembered from the first), is greeted with -ERR.
            copy_file(cert_a, certs)
            with server.lock:
                server.refuse_from = len(server.sessions) + 1
            fourth, tail = await_cycle(log_path, 4, trigger)
            check("2 links, 1 failed" in fourth, "only the -ERR greeted link fails", fourth)
            check("greeting is not +OK" in tail and "too busy, try later" in tail,
                  "the failure says the greeting was refused and quotes the server", tail)
        finally:
            p.terminate()
            p.wait(timeout=30)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
