#!/usr/bin/env python3
"""Mailboxes shared with the real XMail 1.27, both directions, -MM and -Mm, byte-exact through a
strict RFC 1939 reader (harness/pop3_strict.py) with messages that have lone "." lines,
leading dots, bare LF, no final newline, long lines and 8-bit bytes:

  xmail-writes: mail goes in through XMail's SMTP; psyncd's POP3 server serves the same
    MAIL_ROOT and must send every stored file as XMail's POP3 server sends it (the file as
    it is, LF turned into CRLF), strict-clean, with the message text intact after the
    headers XMail adds (Return-Path, Delivered-To, Received).
  psyncd-writes: psyncd fetches the messages from a Dovecot remote (one PSYNC cycle on a link
    XMail wrote with poplnkadd); XMail's POP3 server serves them and must be strict-clean
    and give each message exactly as Dovecot served it; psyncd's POP3 server sends the same
    bytes.

Usage: xmail_serve_test.py [xmail-writes] [psyncd-writes] (default: both).
Exit 0 pass, 1 fail, 77 skip (XMail source, Dovecot missing; under CI=true they FAIL)."""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot, pop3_strict, xmail  # noqa: E402
from xmail_interop import (DOMAIN, MESSAGES, Psyncd, by_subject, check, finish,  # noqa: E402
                           mailbox_files, normalized, psyncd_once, split_message, subject,
                           wait_for, xmail_root)

USER, PASSWORD = f"alice@{DOMAIN}", "alice-pw"
XMAIL_ADDS = [b"Return-Path:", b"Delivered-To:", b"Received:"]


def as_xmail_sends(stored):
    """What XMail's POP3 server sends for a stored file on Unix (MscSendFileCRLF): the file
    as it is, every bare LF turned into CRLF, nothing stuffed, nothing added."""
    return re.sub(rb"(?<!\r)\n", b"\r\n", stored)


def fetch(server, port, what):
    box = pop3_strict.fetch_all(port, USER, PASSWORD)
    check(len(box.sizes) == len(MESSAGES),
          f"{what}: {server} lists {len(box.sizes)} of {len(MESSAGES)} messages")
    return box


def xmail_writes(tmp, bindir, mode):
    what = f"xmail-writes -{mode}"
    x = xmail_root(tmp, bindir, f"a-{mode}", mode)
    try:
        x.ctrl("useradd", DOMAIN, "alice", PASSWORD, "U")
        for _, m in MESSAGES:
            x.smtp_send("sender@remote.test", [USER], m)
        check(wait_for(lambda: len(mailbox_files(x.root, "alice", mode)) == len(MESSAGES)),
              f"{what}: XMail delivered every message", x.log_tail())
        stored = {subject(f): f for f in mailbox_files(x.root, "alice", mode)}
        xm = fetch("XMail", x.pop3_port, what)
        with Psyncd(x.root, mode) as p:
            ps = fetch("psyncd", p.port, what)
    finally:
        x.stop()
    check(ps.errors == [], f"{what}: psyncd's POP3 is strict RFC 1939", "\n".join(ps.errors))
    # XMail's own server counts the stored bytes in LIST but sends LF as CRLF: its sizes are
    # off by the header lines it wrote with LF. Anything else would be a stuffing error.
    check(all("LIST says" in e for e in xm.errors), f"{what}: XMail's POP3 strays only in "
          "its LIST sizes", "\n".join(xm.errors))
    got_p, got_x = by_subject(ps.messages), by_subject(xm.messages)
    for name, orig in MESSAGES:
        s = subject(orig)
        if not check(s in got_p and s in got_x and s in stored, f"{what}: {name}: served by both"):
            continue
        i, j = got_p[s], got_x[s]
        check(ps.wire[i] == as_xmail_sends(stored[s]),
              f"{what}: {name}: psyncd sends XMail's stored file as XMail does",
              f"stored {stored[s][-200:]!r}\nsent   {ps.wire[i][-200:]!r}")
        check(ps.wire[i] == xm.wire[j], f"{what}: {name}: same bytes from both servers")
        head, body = split_message(ps.messages[i])
        ohead, obody = split_message(normalized(orig))
        check(body == obody, f"{what}: {name}: body intact",
              f"got  {body[-200:]!r}\nwant {obody[-200:]!r}")
        added = head[:len(head) - len(ohead)]
        check(head[-len(ohead):] == ohead and
              [h for h in added if not h.startswith(b"\t")] ==
              [h for h in added if any(h.startswith(t) for t in XMAIL_ADDS)] and
              len([h for h in added if not h.startswith(b"\t")]) == len(XMAIL_ADDS),
              f"{what}: {name}: headers = XMail's Return-Path, Delivered-To, Received + ours",
              repr(head))


def psyncd_writes(tmp, bindir, mode):
    what = f"psyncd-writes -{mode}"
    users = {"remote1": ("remote-secret", [m for _, m in MESSAGES])}
    with dovecot.Dovecot(os.path.join(tmp, f"dv-{mode}"), users) as d:
        x = xmail_root(tmp, bindir, f"b-{mode}", mode)
        try:
            x.ctrl("useradd", DOMAIN, "alice", PASSWORD, "U")
            x.ctrl("poplnkadd", DOMAIN, "alice", f"127.0.0.1:{d.pop3_port}", "remote1",
                   "remote-secret", "CLR")
            r = psyncd_once(x.root, mode)
            check(r.returncode == 0, f"{what}: psyncd --once exit {r.returncode}",
                  r.stdout + r.stderr)
            check(len(mailbox_files(x.root, "alice", mode)) == len(MESSAGES),
                  f"{what}: psyncd stored every message", r.stdout + r.stderr)
            xm = fetch("XMail", x.pop3_port, what)
            with Psyncd(x.root, mode) as p:
                ps = fetch("psyncd", p.port, what)
        finally:
            x.stop()
    check(xm.errors == [], f"{what}: XMail's POP3 serving psyncd's files is strict RFC 1939",
          "\n".join(xm.errors))
    check(ps.errors == [], f"{what}: psyncd's POP3 is strict RFC 1939", "\n".join(ps.errors))
    got_p, got_x = by_subject(ps.messages), by_subject(xm.messages)
    for name, orig in MESSAGES:
        s = subject(orig)
        if not check(s in got_p and s in got_x, f"{what}: {name}: served by both"):
            continue
        i, j = got_p[s], got_x[s]
        check(xm.messages[j] == normalized(orig), f"{what}: {name}: XMail serves it exactly",
              f"got  {xm.messages[j][-200:]!r}\nwant {normalized(orig)[-200:]!r}")
        check(ps.wire[i] == xm.wire[j], f"{what}: {name}: same bytes from both servers")


def main(argv):
    cases = argv or ["xmail-writes", "psyncd-writes"]
    if "psyncd-writes" in cases:
        dovecot.require_or_skip()
    bindir = xmail.require_build()
    with tempfile.TemporaryDirectory(prefix="psyncd-xmail-serve-") as tmp:
        for mode in ("MM", "Mm"):
            if "xmail-writes" in cases:
                xmail_writes(tmp, bindir, mode)
            if "psyncd-writes" in cases:
                psyncd_writes(tmp, bindir, mode)
    return finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
