"""SMTP gateways for the relay tests, both on 127.0.0.1 at a port chosen at run time.

AiosmtpdGateway: a real SMTP server, Debian's python3-aiosmtpd, run in a child process (the
interpreter running the tests may lack the module; Debian's /usr/bin/python3 has it). Each
message it takes is written to a directory as one file: "MAIL FROM", one "RCPT" line per
recipient, an empty line, the message; received() reads them back as (Message-ID, recipient).

FakeSmtp: a scripted server for what a real one does not do on demand: a 4xx or 5xx to a
given RCPT, a link dropped after the final "." (before the reply), dropped in the middle of
the message, or a reply held back past the client's timeout. It counts the messages it took
(a 250 sent after the final ".") by Message-ID and recipient."""
import os
import re
import socket
import subprocess
import sys
import threading
import time

if __name__ != "__main__":  # the gateway child runs this file alone, without the package
    from harness.dovecot import fail_or_skip, free_port

_MSGID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]*>)", re.I | re.M)


def _python_with_aiosmtpd():
    for exe in (sys.executable, "/usr/bin/python3"):
        if exe and os.path.exists(exe) and subprocess.run(
                [exe, "-c", "import aiosmtpd"], capture_output=True).returncode == 0:
            return exe
    return None


def require_aiosmtpd():
    if _python_with_aiosmtpd() is None:
        fail_or_skip("python3-aiosmtpd is not installed")


def parse_stored(data):
    head, _, msg = data.partition(b"\n\n")
    lines = head.decode().split("\n")
    sender = lines[0][len("FROM "):]
    rcpts = [line[len("RCPT "):] for line in lines[1:] if line.startswith("RCPT ")]
    m = _MSGID.search(msg)
    return sender, rcpts, (m.group(1).decode() if m else None), msg


class AiosmtpdGateway:
    def __init__(self, workdir, durable=True, tls="none", cert=None, login=None, name="gw"):
        """tls: "none", "starttls" (required before MAIL) or "smtps"; cert: (certfile,
        keyfile); login: "user:password" required by AUTH (PLAIN, LOGIN), over TLS."""
        self.durable = durable  # False (benchmarks): no fsync per message
        self.tls, self.cert, self.login = tls, cert or ("", ""), login or ""
        self.dir = os.path.join(workdir, name + "-received")
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.proc = None

    def __enter__(self):
        exe = _python_with_aiosmtpd()
        self.proc = subprocess.Popen([exe, os.path.abspath(__file__), self.dir, str(self.port),
                                      "durable" if self.durable else "fast", self.tls,
                                      self.cert[0], self.cert[1], self.login],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError("aiosmtpd did not start: " + self.proc.stderr.read().decode())

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def messages(self):
        out = []
        for name in sorted(os.listdir(self.dir)):
            if name.endswith(".eml"):
                with open(os.path.join(self.dir, name), "rb") as f:
                    out.append(parse_stored(f.read()))
        return out

    def received(self):
        """[(Message-ID, recipient)] for every recipient of every message taken."""
        return [(mid, r) for _, rcpts, mid, _ in self.messages() for r in rcpts]


class FakeSmtp:
    """script(rcpt) -> reply line for RCPT ("250 ok" when None). fault: None, "drop-after-dot",
    "drop-in-body", "slow" (the final reply comes after `delay` seconds), "data-4xx"."""

    def __init__(self, rcpt_reply=None, fault=None, delay=0.0):
        self.rcpt_reply = rcpt_reply or (lambda r: None)
        self.fault = fault
        self.delay = delay
        self.taken = []  # (Message-ID, recipient) acknowledged with 250
        self.seen_dots = 0  # messages whose final "." arrived
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop = True
        self.sock.close()

    def _serve(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    @staticmethod
    def _client_gone(conn):
        # A client still waiting for the reply sends nothing; one that gave up closed the
        # link or sent QUIT.
        conn.setblocking(False)
        try:
            conn.recv(1, socket.MSG_PEEK)
            return True
        except BlockingIOError:
            return False
        finally:
            conn.setblocking(True)

    def _session(self, conn):
        f = conn.makefile("rb")
        send = lambda line: conn.sendall(line.encode() + b"\r\n")  # noqa: E731
        try:
            send("220 fake ESMTP")
            rcpts = []
            while True:
                line = f.readline()
                if not line:
                    return
                cmd = line.decode(errors="replace").strip()
                up = cmd.upper()
                if up.startswith("EHLO") or up.startswith("HELO"):
                    send("250 fake")
                elif up.startswith("MAIL FROM"):
                    rcpts = []
                    send("250 ok")
                elif up.startswith("RCPT TO"):
                    addr = cmd[cmd.index("<") + 1:cmd.index(">")]
                    reply = self.rcpt_reply(addr)
                    if reply is None:
                        rcpts.append(addr)
                        reply = "250 ok"
                    send(reply)
                elif up == "DATA":
                    if self.fault == "data-4xx":
                        send("451 4.3.0 try again later")
                        continue
                    send("354 go ahead")
                    body = b""
                    while True:
                        chunk = f.readline()
                        if not chunk:
                            return
                        if self.fault == "drop-in-body" and len(body) > 200:
                            return
                        if chunk == b".\r\n":
                            break
                        body += chunk
                    self.seen_dots += 1
                    if self.fault == "drop-after-dot":
                        return
                    if self.fault == "slow":
                        time.sleep(self.delay)
                        if self._client_gone(conn):
                            return  # the client gave up: this gateway drops the transaction
                    m = _MSGID.search(body)
                    for r in rcpts:
                        self.taken.append((m.group(1).decode() if m else None, r))
                    send("250 2.0.0 queued")
                elif up == "QUIT":
                    send("221 bye")
                    return
                elif up == "RSET" or up == "NOOP":
                    send("250 ok")
                else:
                    send("502 not implemented")
        except OSError:
            return
        finally:
            conn.close()


def _run_aiosmtpd(directory, port, durable, tls="none", certfile="", keyfile="", login=""):
    import asyncio  # noqa: F401
    from aiosmtpd.controller import Controller

    class Store:
        count = 0

        async def handle_DATA(self, server, session, envelope):
            Store.count += 1
            head = "FROM " + (envelope.mail_from or "") + "\n" + "".join(
                "RCPT " + r + "\n" for r in envelope.rcpt_tos) + "\n"
            tmp = os.path.join(directory, f".{os.getpid()}.{Store.count}.tmp")
            with open(tmp, "wb") as out:
                out.write(head.encode() + envelope.original_content)
                if durable:
                    out.flush()
                    os.fsync(out.fileno())
            os.rename(tmp, os.path.join(directory, f"{time.time_ns()}.{Store.count}.eml"))
            return "250 2.0.0 stored"

    kwargs = {}
    if tls != "none":
        import ssl
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certfile, keyfile)
        if tls == "smtps":
            kwargs["ssl_context"] = context
        else:
            kwargs["tls_context"] = context
            kwargs["require_starttls"] = True
    if login:
        from aiosmtpd.smtp import AuthResult
        user, password = login.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login.decode() == user and auth_data.password.decode() == password)
            return AuthResult(success=ok, handled=False)

        kwargs["authenticator"] = authenticator
        kwargs["auth_required"] = True
        # aiosmtpd counts only STARTTLS as TLS, so with SMTPS it would hide AUTH.
        kwargs["auth_require_tls"] = tls == "starttls"
    controller = Controller(Store(), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    import signal
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    _run_aiosmtpd(sys.argv[1], int(sys.argv[2]), sys.argv[3] == "durable", *sys.argv[4:8])
