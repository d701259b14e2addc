"""A strict RFC 1939 POP3 reader for byte-exact tests: reads raw lines from the socket and
records every way a server strays from the wire format, where poplib would hide it (poplib
strips any line end, unstuffs any leading dot and never checks sizes).

Per message it checks: every line ends in CRLF with no other CR or LF in it; a line that
starts with "." is either the terminator ".\r\n" or stuffed (starts with ".."), since an
unstuffed dot line means the server sent a stored line as it was; the LIST size equals the
octets RETR sent before the terminator; STAT equals the LIST total.

Does not: speak TLS or SASL (USER/PASS only), or retry.

  r = pop3_strict.fetch_all(port, "alice@ex.test", "pw")
  r.messages  -> [unstuffed message bytes]    r.wire -> [bytes RETR sent, stuffed]
  r.errors    -> ["RETR 2: line 7 ends in a bare LF", ...]  (empty when strict-clean)
"""
import socket


class Pop3Error(Exception):
    """The server answered -ERR or closed the connection."""


class StrictReader:
    def __init__(self, port, host="127.0.0.1", timeout=20):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        self.errors = []
        self.greeting = self.status("greeting")

    def close(self):
        """QUIT, then wait for the server to close: XMail answers QUIT before it unlocks the
        mailbox (POP3HandleCmd_QUIT, then UPopReleaseSession), so a login made right after the
        +OK could find the mailbox still locked and be refused."""
        try:
            self.sock.sendall(b"QUIT\r\n")
            self._line()
            while self.sock.recv(65536):
                pass
        except (OSError, Pop3Error):
            pass
        self.sock.close()

    def _line(self):
        """One raw line up to and including LF (the line end is not checked here)."""
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise Pop3Error(f"connection closed (pending {self.buf[:80]!r})")
            self.buf += chunk
        i = self.buf.index(b"\n") + 1
        line, self.buf = self.buf[:i], self.buf[i:]
        return line

    def _check_eol(self, what, line):
        if not line.endswith(b"\r\n"):
            self.errors.append(f"{what} ends in a bare LF: {line[:60]!r}")
        elif b"\r" in line[:-2]:
            self.errors.append(f"{what} holds a bare CR: {line[:60]!r}")

    def status(self, what):
        line = self._line()
        self._check_eol(f"{what} status line", line)
        if not line.startswith(b"+OK"):
            raise Pop3Error(f"{what}: {line!r}")
        return line.rstrip(b"\r\n")

    def command(self, cmd):
        self.sock.sendall(cmd.encode() + b"\r\n")
        return self.status(cmd.split()[0] if not cmd.startswith("PASS") else "PASS")

    def multiline(self, what):
        """(unstuffed bytes, wire bytes before the terminator) of a multi-line reply."""
        out, wire, n = [], [], 0
        while True:
            line = self._line()
            n += 1
            if line == b".\r\n":
                return b"".join(out), b"".join(wire)
            self._check_eol(f"{what}: line {n}", line)
            wire.append(line)
            if line.startswith(b".."):
                line = line[1:]
            elif line.startswith(b"."):
                self.errors.append(f"{what}: line {n} is an unstuffed dot line: {line[:60]!r}")
            out.append(line)

    def login(self, user, password):
        self.command(f"USER {user}")
        self.command(f"PASS {password}")


class Mailbox:
    """What one strict session read: messages (unstuffed), wire sizes, LIST sizes, errors."""

    def __init__(self):
        self.messages, self.wire, self.sizes, self.errors = [], [], [], []


def fetch_all(port, user, password):
    """Logs in, STAT, LIST, RETR of every message, QUIT (nothing deleted). A session that
    breaks (an -ERR, a reply out of step, a closed connection) ends the reading: it is
    recorded in errors and the messages read so far are returned."""
    r = StrictReader(port)
    box = Mailbox()
    try:
        r.login(user, password)
        stat = r.command("STAT").split()
        count, total = int(stat[1]), int(stat[2])
        r.command("LIST")
        listing, _ = r.multiline("LIST")
        for row in listing.split(b"\r\n")[:-1] if listing else []:
            box.sizes.append(int(row.split()[1]))
        if len(box.sizes) != count or sum(box.sizes) != total:
            r.errors.append(f"STAT {count} {total} but LIST {len(box.sizes)} {sum(box.sizes)}")
        for i in range(1, min(count, len(box.sizes)) + 1):
            r.command(f"RETR {i}")
            data, wire = r.multiline(f"RETR {i}")
            box.messages.append(data)
            box.wire.append(wire)
            if len(wire) != box.sizes[i - 1]:
                r.errors.append(f"RETR {i}: LIST says {box.sizes[i - 1]} octets, "
                                f"RETR sent {len(wire)}")
    except (Pop3Error, OSError, ValueError, IndexError) as e:
        r.errors.append(f"session broken after {len(box.messages)} messages: {e}")
    finally:
        r.close()
    box.errors = r.errors
    return box
