#!/usr/bin/env python3
"""PSYNC against POP3 servers that are not Dovecot (harness/foreign.py), each started by the
test on a loopback port chosen at run time. Usage: foreign_pop3_test.py SERVER (courier,
cyrus, popa3d, solid, mailutils).

Per server: a message set with dot-led lines, a lone "." line, no final newline, a 2 MB
message, 8-bit and NUL bytes, a 20 KB line, bare CR, bare LF and CRLF-stored files, in one
mailbox per authtype the server supports (and the ones it does not, which must fail with
their own message). mpop fetches the same mailbox as the reference: what psyncd stores must
be byte for byte mpop's message in the store's form (every line end CRLF, a bare CR ending its
line, a final CRLF added; lines that start with "." also accepted dot-stuffed, the wire form
of issue "XMail-exact mail"), each message exactly once; links without Leave empty the
remote mailbox, Leave links fetch only what is new on a second run.

Courier: its login process hands the connection to the mail process after PASS and loses
whatever was pipelined behind PASS, and it sends CRLF-stored files with CR CR LF line ends.
Exit 0 pass, 1 fail, 77 skip (server or mpop unavailable; under CI=true that FAILS)."""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import foreign, mpop  # noqa: E402
from psync_mailroot import MailRoot, check  # noqa: E402

CI = os.environ.get("CI") == "true"


def unavailable(why):
    print(("FAIL: " if CI else "SKIP: ") + why, file=sys.stderr)
    sys.exit(1 if CI else 77)


def message_set(user, leave_out=()):
    """Messages as the server stores them, each with a unique Subject; `leave_out`: tags of
    messages a server cannot store."""
    def m(tag, rest):
        # A Message-ID of its own: popa3d's UIDL hashes the From_ line and a few headers.
        mid = f"Message-ID: <{user}.{tag.replace(' ', '-')}@example.org>\n".encode()
        return f"Subject: {user} {tag}\n".encode() + mid + rest
    big = b"".join(b"line %07d " % i + b"x" * 88 + b"\n" for i in range(2 * 1024 * 1024 // 100))
    msgs = [
        m("dots", b"From: a@b.example\n\n.leading dot\n..two dots\n.\nend\n"),
        m("crlf", b"From: a@b.example\r\nX-Stored: crlf\r\n\r\nbody\r\n.dot\r\n.\r\nlast\r\n"),
        m("nofinal", b"\nno final newline"),
        m("big", b"\n" + big),
        m("binary", b"\n8-bit \xe9\xff and NUL \x00 bytes\n\x00\n"),
        m("longline", b"\n" + b"y" * 20 * 1024 + b"\nafter\n"),
        m("bare cr", b"\na\rb\rc\n"),
        m("lf", b"\nplain\nunix\nfile\n"),
    ]
    return [x for x in msgs if subject(x).split(" ", 1)[1] not in leave_out]


def store_form(data):
    """psyncd's stored form of a message: line ends CRLF (CRLF, bare LF and a bare CR each end
    a line), a final CRLF added to a non-empty message."""
    out = re.sub(rb"\r\n|\r|\n", b"\r\n", data)
    return out if out.endswith(b"\r\n") or not out else out + b"\r\n"


def stuffed(data):
    return re.sub(rb"(^|\r\n)\.", rb"\1..", data)


def subject(data):
    m = re.search(rb"^Subject: ([^\r\n]*)", data, re.M)
    return m.group(1).decode() if m else "?"


_RUNS = [0]


def mpop_reference(tmp, port, user, password, settings=mpop.PLAIN_USER):
    """{subject: message} as mpop delivers it from the server (keep on, every message)."""
    _RUNS[0] += 1
    md = os.path.join(tmp, f"mpop-{user}-{_RUNS[0]}")
    rc = mpop.write_rc(os.path.join(tmp, f"mpoprc-{user}"), port=port, user=user,
                       password=password, maildir=md, uidls_file=os.path.join(tmp, f"{user}.u"),
                       settings=settings)
    r = mpop.run(rc, "-q", timeout=120)
    check(r.returncode == 0, f"mpop {user}: exit {r.returncode}", r.stderr.decode(errors="replace"))
    out = {}
    for sub in ("new", "cur"):
        for name in os.listdir(os.path.join(md, sub)):
            with open(os.path.join(md, sub, name), "rb") as f:
                data = f.read()
            out[subject(data)] = data
    return out


def check_delivered(mr, account, want):
    """`want`: {subject: mpop's message}; psyncd must have stored each exactly once."""
    got = mr.delivered(account)
    subjects = sorted(subject(g) for g in got)
    check(subjects == sorted(want), f"{account}: stored {subjects}, want {sorted(want)}")
    for data in got:
        ref = store_form(want[subject(data)])
        check(data in (ref, stuffed(ref)),
              f"{account}: {subject(data)!r} differs from mpop's ({len(data)} vs {len(ref)} "
              f"bytes)", f"got {data[:300]!r}\nwant {ref[:300]!r}")


def outcome(out, account):
    for line in out.splitlines():
        if f"-> {account}@ex.test:" in line:
            return line.split(": ", 1)[1]
    return ""


def run_matrix(srv, port, tmp, cases, leave_out=()):
    """cases: (user, authtype, expected outcome prefix, text the outcome must hold). The first
    case must keep its mail (Leave) and succeed: it gets a second run with one new message."""
    for user, _, _, _ in cases:
        srv.add_messages(user, message_set(user, leave_out))
    ok_users = [c[0] for c in cases if c[2] == "ok"]
    # mpop twice: a server may add headers when it first serves a message (Mailutils writes
    # Status and X-UID into the mbox at QUIT); the second fetch is what it serves from then on.
    for u in ok_users:
        mpop_reference(tmp, port, u, u + "pw")
    refs = {u: mpop_reference(tmp, port, u, u + "pw") for u in ok_users}
    for u in ok_users:
        check(len(refs[u]) == len(message_set(u, leave_out)), f"mpop {u}: not every message "
              f"fetched", str(sorted(refs[u])))
    mr = MailRoot(os.path.join(tmp, "root"), [c[0] for c in cases])
    mr.set_links([("ex.test", u, f"127.0.0.1:{port}", u, u + "pw", a) for u, a, _, _ in cases])
    # -YT 10: a client that pipelines across Courier's login waits that long, then fails.
    r = mr.run("-YT", "10")
    failing = len(cases) - len(ok_users)
    check(r.returncode == (75 if failing else 0), f"--once exit {r.returncode}",
          r.stdout + r.stderr)
    for user, auth, want, reason in cases:
        got = outcome(r.stdout, user)
        check(got.startswith(want) and reason in got,
              f"{user} ({auth}): {got!r}, want {want!r}... {reason!r}", r.stdout + r.stderr)
        if want != "ok":
            check(not mr.delivered(user), f"{user}: stored mail although it failed")
            continue
        check_delivered(mr, user, refs[user])
        left = srv.remaining(user)
        want_left = len(refs[user]) if "Leave" in auth else 0
        check(left == want_left, f"{user}: {left} messages left on the server, want {want_left}")
    # Leave: a second run fetches only what is new (the reference taken first, as above).
    first = cases[0][0]
    new = f"Subject: {first} new\nMessage-ID: <{first}.new@example.org>\n\nnew\n".encode()
    srv.add_messages(first, [new])
    mpop_reference(tmp, port, first, first + "pw")
    # Solid sends the mbox's separating blank line with the last message: as mpop gets it.
    refs[first][f"{first} new"] = mpop_reference(tmp, port, first, first + "pw")[f"{first} new"]
    r = mr.run("-YT", "10")
    check(outcome(r.stdout, first).startswith("ok: 1 msgs"), f"{first}: second run",
          r.stdout + r.stderr)
    check_delivered(mr, first, refs[first])


def start_or_skip(make, *args, **kwargs):
    try:
        srv = make()
        for user in args:
            srv.add_user(user, user + "pw")
        return srv, srv.start(**kwargs)
    except foreign.Unavailable as e:
        unavailable(str(e))


NO_TIMESTAMP = "FAPOP requested but the greeting has no APOP timestamp"


def run_courier(build_dir, tmp):
    # No APOP timestamp in Courier's greeting: APOP becomes USER/PASS (XMail), FAPOP fails.
    cases = [
        ("clr", "CLR,Leave", "ok", ""),
        ("apop", "APOP", "ok", ""),
        ("fapop", "FAPOP", "FAIL (auth): ", NO_TIMESTAMP),
        ("saslplain", "SASL=PLAIN,Leave", "ok", ""),
        ("sasllogin", "SASL=LOGIN", "ok", ""),
        ("saslcram", "SASL=CRAM-MD5", "FAIL (auth): ",
         "SASL mechanism CRAM-MD5 is not offered by the server (it offers: PLAIN LOGIN)"),
    ]
    srv, port = start_or_skip(lambda: foreign.Courier(build_dir, tmp), *[c[0] for c in cases],
                              sasl="PLAIN LOGIN")
    try:
        run_matrix(srv, port, tmp, cases)
    finally:
        srv.stop()


def run_mbox_server(build_dir, tmp, make, fapop_reason, leave_out=()):
    # popa3d, Solid and Mailutils: USER/PASS, no SASL (popa3d and Solid have no CAPA either).
    # popa3d has no APOP (so APOP becomes USER/PASS and FAPOP fails). Solid and Mailutils put a
    # timestamp in the greeting but refuse APOP for users without an APOP secret: Mailutils
    # then takes USER/PASS on the same connection, Solid closes it, so APOP cannot fall back
    # there and only FAPOP's refusal is checked.
    cases = [
        ("clr", "Leave", "ok", ""),
        ("plain", "", "ok", ""),
        ("apop", "APOP,UseTop", "ok", ""),
        ("fapop", "FAPOP", "FAIL (auth): ", fapop_reason),
        ("sasl", "SASL=PLAIN", "FAIL (auth): ",
         "SASL mechanism PLAIN is not offered by the server"),
    ]
    if make is foreign.Solid:
        cases = [c for c in cases if c[0] != "apop"]
    if make is foreign.Mailutils:  # its TOP puts an extra empty line after the header
        cases = [(u, "APOP" if u == "apop" else a, w, r) for u, a, w, r in cases]
    srv, port = start_or_skip(lambda: make(build_dir, tmp), *[c[0] for c in cases])
    try:
        run_matrix(srv, port, tmp, cases, leave_out)
    finally:
        srv.stop()


def run_cyrus(build_dir, tmp):
    # Delivered through LMTP, which refuses NUL and bare CR and stores CRLF lines only: those
    # two messages are left out. Every password is accepted (the server's test setup).
    cases = [
        ("clr", "CLR,Leave", "ok", ""),
        ("plain", "", "ok", ""),
        ("usetop", "UseTop", "ok", ""),
        ("saslplain", "SASL=PLAIN,Leave", "ok", ""),
        ("sasllogin", "SASL=LOGIN", "ok", ""),
        ("saslcram", "SASL=CRAM-MD5", "FAIL (auth): ",
         "SASL mechanism CRAM-MD5 is not offered by the server (it offers: PLAIN LOGIN)"),
    ]
    srv, port = start_or_skip(lambda: foreign.Cyrus(build_dir, tmp), *[c[0] for c in cases])
    try:
        run_matrix(srv, port, tmp, cases, ("bare cr", "binary"))
    finally:
        srv.stop()


SERVERS = {
    "courier": run_courier,
    "cyrus": run_cyrus,
    "popa3d": lambda b, t: run_mbox_server(b, t, foreign.Popa3d, NO_TIMESTAMP),
    "solid": lambda b, t: run_mbox_server(b, t, foreign.Solid, "APOP: login refused"),
    # Mailutils' mbox reader runs a CRLF-stored message into the next one: not stored there.
    "mailutils": lambda b, t: run_mbox_server(b, t, foreign.Mailutils, "APOP: login refused",
                                                ("crlf",)),
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in SERVERS:
        print(f"usage: foreign_pop3_test.py {'|'.join(SERVERS)}", file=sys.stderr)
        return 2
    if shutil.which(mpop.MPOP) is None:
        unavailable("mpop is not installed (scripts/install-deps)")
    build_dir = os.environ.get("PSYNCD_BINARY_DIR")
    check(build_dir and os.path.isdir(build_dir), "PSYNCD_BINARY_DIR is not set")
    tmp = tempfile.mkdtemp(prefix=f"psyncd-{sys.argv[1]}-")
    try:
        SERVERS[sys.argv[1]](build_dir, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
