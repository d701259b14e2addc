#!/usr/bin/env python3
"""Smoke test of the Dovecot harness: start a private Dovecot, fetch one message with
Python's poplib over APOP (plain port) and over STLS (USER/PASS), check POP3S, stop, and
check no Dovecot process is left. Exit 77 = skipped (dovecot missing, CI unset)."""
import os
import poplib
import ssl
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot  # noqa: E402


def check(cond, what):
    if not cond:
        print(f"FAIL: {what}", file=sys.stderr)
        sys.exit(1)


def main():
    dovecot.require_or_skip()
    msg = dovecot.make_message(1, 2000, subject="smoke")
    with tempfile.TemporaryDirectory(prefix="psyncd-smoke-") as tmp:
        d = dovecot.Dovecot(os.path.join(tmp, "dv"), {"user1": ("secret1", [msg])})
        with d:
            # APOP on the plain port.
            c = poplib.POP3("127.0.0.1", d.pop3_port, timeout=10)
            check(b"<" in c.getwelcome(), "greeting has an APOP timestamp")
            c.apop("user1", "secret1")
            count, _ = c.stat()
            check(count == 1, f"one message, got {count}")
            _, lines, _ = c.retr(1)
            check(b"Subject: smoke" in lines, "RETR returns the message")
            check(b"\r\n".join(lines) + b"\r\n" == msg, "message bytes are exact")
            c.quit()
            # STLS then USER/PASS, verifying the self-signed cert.
            ctx = ssl.create_default_context(cafile=d.cert_path())
            c = poplib.POP3("127.0.0.1", d.pop3_port, timeout=10)
            check("STLS" in c.capa(), "STLS advertised")
            c.stls(context=ctx)
            c.user("user1")
            c.pass_("secret1")
            check(c.stat()[0] == 1, "STAT after STLS")
            check(len(c.uidl()[1]) == 1, "UIDL after STLS")
            c.quit()
            # POP3S.
            c = poplib.POP3_SSL("127.0.0.1", d.pop3s_port, timeout=10, context=ctx)
            c.user("user1")
            c.pass_("secret1")
            check(c.stat()[0] == 1, "STAT over POP3S")
            c.quit()
            pid = d.master_pid()
            check(pid is not None, "master.pid written")
        check(not dovecot._pid_alive(pid), "dovecot master stopped")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
