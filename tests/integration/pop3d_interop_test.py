#!/usr/bin/env python3
"""Interop: REAL POP3 clients against psyncd's server (psyncd-pop3d-test on a temp MAIL_ROOT):
fetchmail (UIDL, APOP, TOP n 99999999 + DELE), mpop (pipelining,
STLS, SCRAM-SHA-256), getmail6 (as nobody), curl (APOP, STLS,
pop3s, DELE, SASL), Python poplib (RSET, TOP 0, LIST n, UIDL, long lines) and
`openssl s_client -starttls pop3`. Every retrieved message must equal the stored one (for
clients that add trace headers: the stored message must be the tail of what they delivered).
Also the listener's policies: Pop3RequireTLS, -PX (oldest not logged in evicted), pop3.ipmap.tab, [IN-USE], -Ph, line cap,
Pop3Greeting, the -Pl log and the failed-login log line. Exit 0 pass, 1 fail, 77 skip (a
client missing; under CI=true a missing client FAILS)."""
import os
import poplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pop3d_root as R  # noqa: E402
from harness import mpop  # noqa: E402

FAILURES = []
SKIPPED = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print(f"FAIL: {what}", file=sys.stderr)
    return cond


def run(cmd, timeout=60, **kw):
    return subprocess.run(cmd, capture_output=True, timeout=timeout, **kw)


def tool(name):
    path = R.require_tool(name)
    if not path:
        SKIPPED.append(name)
    return path


def tail_matches(delivered, original):
    """Clients deliver with LF line ends and may prepend trace headers."""
    d = delivered.replace(b"\r\n", b"\n")
    o = original.replace(b"\r\n", b"\n")
    return d.endswith(o)


def files_in(d):
    out = []
    for sub in ("new", "cur"):
        p = os.path.join(d, sub)
        if os.path.isdir(p):
            out += [os.path.join(p, n) for n in sorted(os.listdir(p))]
    return out


def read(path):
    with open(path, "rb") as f:
        return f.read()


# --- clients --------------------------------------------------------------------------------
def test_poplib(srv, root, msgs):
    ctx = ssl.create_default_context(cafile=root.cert)
    c = poplib.POP3("127.0.0.1", srv.pop3, timeout=10)
    c.apop("alice", "secret")
    count, size = c.stat()
    check(count == len(msgs) and size == sum(len(R.wire_form(m)) for m in msgs), f"poplib STAT {count} {size}")
    for i, m in enumerate(msgs, 1):
        resp, lines, octets = c.retr(i)
        check(b"\r\n".join(lines) + b"\r\n" == m, f"poplib RETR {i} equals the stored message")
        check(c.list(i).split()[2] == str(len(R.wire_form(m))).encode(), f"poplib LIST {i}")
    uidls = [x.split()[1].decode() for x in c.uidl()[1]]
    check(uidls == sorted(os.listdir(root.maildir("alice"))), "poplib UIDL = file names")
    resp, lines, _ = c.top(1, 0)
    head = msgs[0].split(b"\r\n\r\n")[0]
    check(b"\r\n".join(lines) == head + b"\r\n", "poplib TOP 1 0 gives the header block")
    c.dele(1)
    check(c.stat()[0] == len(msgs) - 1, "poplib DELE hides the message")
    c.rset()
    check(c.stat()[0] == len(msgs), "poplib RSET undeletes")
    c.quit()
    check(len(os.listdir(root.maildir("alice"))) == len(msgs), "RSET + QUIT deletes nothing")
    # STLS + USER/PASS, and POP3S.
    c = poplib.POP3("127.0.0.1", srv.pop3, timeout=10)
    c.stls(context=ctx)
    c.user("alice@example.test")
    c.pass_("secret")
    check(c.stat()[0] == len(msgs), "poplib STLS login")
    c.quit()
    c = poplib.POP3_SSL("127.0.0.1", srv.pop3s, timeout=10, context=ctx)
    c.user("alice%example.test")
    c.pass_("secret")
    check(c.retr(2)[1] == msgs[1].split(b"\r\n")[:-1], "poplib POP3S RETR 2")
    c.quit()
    # A command line over the cap: -ERR, then the server hangs up.
    c = poplib.POP3("127.0.0.1", srv.pop3, timeout=10)
    c._putline(b"NOOP " + b"x" * 1500)
    check(c._getline()[0].startswith(b"-ERR"), "over-long command line gets -ERR")
    check(c.sock.recv(100) == b"", "over-long command line closes the connection")


def test_long_line_message(srv, root):
    long_msg = b"Subject: long\r\n\r\n" + b"y" * 1900 + b"\r\n.dot\r\n"
    root.add_message("carol", long_msg)
    c = poplib.POP3("127.0.0.1", srv.pop3, timeout=10)
    c.user("carol")
    c.pass_("pw3")
    check(b"\r\n".join(c.retr(1)[1]) + b"\r\n" == long_msg, "poplib RETR of a 1900-byte line")
    c.quit()


def test_curl(srv, root, msgs):
    if not tool("curl"):
        return
    base = f"pop3://127.0.0.1:{srv.pop3}"
    r = run(["curl", "-sS", "-u", "alice:secret", "--login-options", "AUTH=+APOP", f"{base}/1"])
    check(r.returncode == 0 and r.stdout == msgs[0], f"curl APOP RETR 1 ({r.stderr[-200:]!r})")
    r = run(["curl", "-sS", "-u", "alice:secret", "--ssl-reqd", "--cacert", root.cert, f"{base}/2"])
    check(r.returncode == 0 and r.stdout == msgs[1], f"curl STLS RETR 2 ({r.stderr[-200:]!r})")
    r = run(["curl", "-sS", "-u", "alice:secret", "--cacert", root.cert,
             f"pop3s://127.0.0.1:{srv.pop3s}/3"])
    check(r.returncode == 0 and r.stdout == msgs[2], f"curl POP3S RETR 3 ({r.stderr[-200:]!r})")
    for mech in ("CRAM-MD5", "PLAIN", "LOGIN"):
        r = run(["curl", "-sS", "-u", "alice:secret", "--login-options", f"AUTH={mech}",
                 f"{base}/1"])
        check(r.returncode == 0 and r.stdout == msgs[0], f"curl SASL {mech} ({r.stderr[-200:]!r})")
    r = run(["curl", "-sS", "-u", "alice:secret", "-X", "UIDL", base])
    check(r.returncode == 0 and len(r.stdout.splitlines()) == len(msgs), "curl UIDL lists all")
    before = len(os.listdir(root.maildir("dave")))
    r = run(["curl", "-sS", "-u", "dave:pw4", "-X", "DELE 1", "-I", base])
    check(r.returncode == 0 and len(os.listdir(root.maildir("dave"))) == before - 1,
          f"curl DELE 1 removes one file at QUIT ({r.stderr[-200:]!r})")


def run_fetchmail(srv, tmp, name, head, user, password, options, *flags):
    """One fetchmail run. `head` is the rest of the poll line (proto ...), `options` its
    keyword line; each message is stored by an MDA script as one file in <name>-out, and
    the UID list is <name>.ids (runs with the same name share both)."""
    out = os.path.join(tmp, f"{name}-out")
    os.makedirs(out, exist_ok=True)
    mda = os.path.join(tmp, f"{name}-mda.sh")
    with open(mda, "w") as f:
        f.write(f'#!/bin/sh\ncat > "{out}/m.$(date +%s%N)"\n')
    os.chmod(mda, 0o755)
    rc = os.path.join(tmp, f"{name}rc")
    with open(rc, "w") as f:
        f.write(f"set no syslog\npoll 127.0.0.1 port {srv.pop3} {head}\n"
                f"  user {user} there with password {password} is root here\n"
                f'  {options} mda "{mda}"\n')
    os.chmod(rc, 0o600)
    env = dict(os.environ, FETCHMAILHOME=tmp, HOME=tmp)
    r = run(["fetchmail", "-f", rc, "-N", *flags, "--pidfile", os.path.join(tmp, f"{name}.pid"),
             "-i", os.path.join(tmp, f"{name}.ids")], env=env)
    return r, out


def test_fetchmail(srv, root, msgs, tmp):
    if not tool("fetchmail"):
        return
    r, out = run_fetchmail(srv, tmp, "fetchmail", "proto apop uidl", "alice", "secret",
                           "keep fetchall no sslcertck")
    got = [read(os.path.join(out, n)) for n in sorted(os.listdir(out))]
    check(r.returncode == 0 and len(got) == len(msgs),
          f"fetchmail APOP fetched {len(got)} (rc {r.returncode}) {r.stderr[-300:]!r}")
    for i, (g, m) in enumerate(zip(got, msgs), 1):
        check(tail_matches(g, m), f"fetchmail message {i} equals the stored one")
    # UIDL: the second run must find nothing new (keep + uidl, without fetchall).
    r, out = run_fetchmail(srv, tmp, "fetchmail", "proto apop uidl", "alice", "secret",
                           "keep no sslcertck")
    check(len(os.listdir(out)) == len(msgs), f"fetchmail UIDL: second run fetched nothing new "
          f"(rc {r.returncode})")


def run_mpop(srv, msgs, tmp, name, settings, flag):
    """One mpop run (keep on, all messages, its own maildir and UIDL file) for alice, with
    `settings` for TLS and authentication; returns mpop's result and the delivered files."""
    md = os.path.join(tmp, f"{name}-md")
    rc = mpop.write_rc(os.path.join(tmp, f"{name}rc"), port=srv.pop3, user="alice",
                       password="secret", maildir=md, uidls_file=f"{tmp}/{name}.uidls",
                       settings=settings)
    r = mpop.run(rc, flag)
    got = [read(p) for p in files_in(md)]
    check(sorted(g.replace(b"\r\n", b"\n") for g in got) ==
          sorted(m.replace(b"\r\n", b"\n") for m in msgs),
          f"{name}: messages equal the stored ones")
    return r, got


def test_mpop(srv, root, msgs, tmp):
    if not tool("mpop"):
        return
    r, got = run_mpop(srv, msgs, tmp, "mpop", f"auth user\ntls on\ntls_starttls on\n"
                      f"tls_trust_file {root.cert}\npipelining on\n", "-q")
    check(r.returncode == 0 and len(got) == len(msgs),
          f"mpop STLS+pipelining fetched {len(got)} (rc {r.returncode}) {r.stderr[-300:]!r}")


def test_mpop_scram(srv, msgs, tmp):
    """mpop with `auth scram-sha-256` (GNU SASL on its side), plain TCP: SCRAM never sends
    the password, so it is allowed before TLS."""
    if not tool("mpop"):
        return
    r, got = run_mpop(srv, msgs, tmp, "mpop-scram", "auth scram-sha-256\ntls off\n", "-d")
    check(r.returncode == 0 and len(got) == len(msgs),
          f"mpop SCRAM-SHA-256 fetched {len(got)} (rc {r.returncode}) {r.stderr[-300:]!r}")
    check(b"AUTH SCRAM-SHA-256" in r.stdout + r.stderr, "mpop really used AUTH SCRAM-SHA-256")


def test_fetchmail_top(srv, root, msgs, tmp):
    """Without keep and fetchall fetchmail downloads with `TOP n 99999999` (so an aborted
    transfer leaves the message unseen) and then deletes: the whole message must come back
    (the line count exceeds the body) and the mailbox must be empty after QUIT."""
    if not tool("fetchmail"):
        return
    r, out = run_fetchmail(srv, tmp, "fetchmail-top", "proto pop3", "erin", "pw5",
                           "no sslcertck", "-v", "-v")
    transcript = (r.stdout + r.stderr).decode(errors="replace")
    got = [read(os.path.join(out, n)) for n in sorted(os.listdir(out))]
    check(r.returncode == 0 and len(got) == len(msgs),
          f"fetchmail TOP mode fetched {len(got)} (rc {r.returncode}) {transcript[-300:]!r}")
    check("TOP 1 99999999" in transcript and "RETR" not in transcript,
          f"fetchmail used TOP n 99999999, not RETR: {transcript[-600:]!r}")
    for i, (g, m) in enumerate(zip(got, msgs), 1):
        check(tail_matches(g, m), f"fetchmail TOP message {i} equals the stored one")
    check(os.listdir(root.maildir("erin")) == [], "fetchmail DELE + QUIT emptied the mailbox")


def test_getmail(srv, root, msgs, tmp):
    if not tool("getmail"):
        return
    gdir = os.path.join(tmp, "getmail")
    md = os.path.join(gdir, "md")
    for sub in ("new", "cur", "tmp"):
        os.makedirs(os.path.join(md, sub), exist_ok=True)
    with open(os.path.join(gdir, "getmailrc"), "w") as f:
        f.write(f"[retriever]\ntype = SimplePOP3SSLRetriever\nserver = 127.0.0.1\n"
                f"port = {srv.pop3s}\nusername = alice\npassword = secret\n"
                f"ca_certs = {root.cert}\n\n"
                f"[destination]\ntype = Maildir\npath = {md}/\n\n"
                f"[options]\nread_all = true\ndelete = false\ndelivered_to = false\n"
                f"received = false\nmessage_log_syslog = false\nverbose = 0\n")
    subprocess.run(["chown", "-R", "nobody:nogroup", gdir], check=True)
    os.chmod(tmp, 0o755)
    r = run(["runuser", "-u", "nobody", "--", "getmail", "--getmaildir", gdir,
             "--rcfile", "getmailrc"])
    got = [read(p) for p in files_in(md)]
    check(r.returncode == 0 and len(got) == len(msgs),
          f"getmail6 (nobody, POP3S) fetched {len(got)} (rc {r.returncode}) "
          f"{(r.stdout + r.stderr)[-300:]!r}")
    for g in got:
        check(any(tail_matches(g, m) for m in msgs), "getmail6 message equals a stored one")


def test_s_client(srv, root):
    if not tool("openssl"):
        return
    r = run(["openssl", "s_client", "-starttls", "pop3", "-connect", f"127.0.0.1:{srv.pop3}",
             "-CAfile", root.cert, "-verify_return_error", "-quiet"],
            input=b"CAPA\r\nUSER alice\r\nPASS secret\r\nSTAT\r\nQUIT\r\n", timeout=30)
    text = r.stdout.decode(errors="replace")
    check(r.returncode == 0 and "+OK Capability" in text and "STLS" not in text.split("+OK Cap")[1]
          and "+OK psyncd POP3 server signing off" in text,
          f"openssl s_client -starttls pop3: {text[-300:]!r} {r.stderr[-200:]!r}")


# --- listener policies ----------------------------------------------------------------------
def line_conn(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    f = s.makefile("rb")
    return s, f


def test_policies(tmp):
    root = R.MailRoot(os.path.join(tmp, "root2"), require_tls=True, greeting="Welcome to the test")
    with open(os.path.join(root.path, "server.tab"), "a") as tab:
        tab.write('"Pop3Threads"\t"1"\n')  # one event loop: which connection -PX evicts is known
    root.make_cert()
    root.add_user("alice", "secret")
    root.add_user("off", "pw", pop_enable=False)
    root.add_user("fenced", "pw", ipmap='"127.0.0.0"\t"255.0.0.0"\t"DENY"\t1\n')
    root.add_message("alice", R.make_message(1, 500))
    with R.Server(root, "--max-sessions", "3", "--log", "--hang-up") as srv:
        s, f = line_conn(srv.pop3)
        greeting = f.readline()
        check(greeting.startswith(b"+OK Welcome to the test <"), f"custom greeting {greeting!r}")
        s.sendall(b"USER alice\r\n")
        check(f.readline().startswith(b"-ERR [AUTH] cleartext"), "Pop3RequireTLS refuses USER")
        s.sendall(b"CAPA\r\n")
        capa = b""
        while not capa.endswith(b"\r\n.\r\n"):
            capa += f.readline()
        check(b"\r\nUSER\r\n" not in capa and b"STLS" in capa, "CAPA hides USER before TLS")
        others = [line_conn(srv.pop3) for _ in range(2)]
        for _, of in others:
            of.readline()
        # -PX is full of connections that have not logged in: the oldest (s) makes room.
        s4, f4 = line_conn(srv.pop3)
        over = f4.readline()
        check(over.startswith(b"+OK Welcome to the test"), f"-PX full: newcomer served {over!r}")
        check(f.readline() == b"", "-PX full: the oldest connection not logged in was closed")
        for sock, fh in others + [(s, f), (s4, f4)]:
            fh.close()  # the makefile() keeps the descriptor open otherwise
            sock.close()
        time.sleep(0.3)
        ctx = ssl.create_default_context(cafile=root.cert)
        c = poplib.POP3_SSL("127.0.0.1", srv.pop3s, timeout=10, context=ctx)
        c.user("alice")
        c.pass_("secret")
        c2 = poplib.POP3_SSL("127.0.0.1", srv.pop3s, timeout=10, context=ctx)
        c2.user("alice")
        try:
            c2.pass_("secret")
            check(False, "second session on a locked mailbox must fail")
        except poplib.error_proto as e:
            check(str(e).find("[IN-USE]") >= 0, f"lock conflict says [IN-USE]: {e}")
        c.quit()
        for user, pw, why in (("off", "pw", "PopEnable 0"), ("fenced", "pw", "per-user ipmap"),
                              ("alice", "wrong", "bad password")):
            c3 = poplib.POP3_SSL("127.0.0.1", srv.pop3s, timeout=10, context=ctx)
            c3.user(user)
            try:
                c3.pass_(pw)
                check(False, f"{why} must refuse the login")
            except poplib.error_proto:
                pass
            check(c3.sock.recv(10) == b"", f"-Ph hangs up after a bad login ({why})")
        time.sleep(0.3)
        log = srv.log()
        check("pop3d: login failed: user=alice ip=127.0.0.1 reason=wrong password for "
              "alice@example.test (USER, bad credentials)" in log, "greppable failed-login line")
        logs = os.listdir(os.path.join(root.path, "logs"))
        check(len(logs) == 1 and logs[0].startswith("pop3-") and len(logs[0]) == 17,
              f"-Pl log file name {logs}")
        text = read(os.path.join(root.path, "logs", logs[0])).decode() if logs else ""
        check('"127.0.0.1"' in text and '"LOGIN"' in text and '"ELOGIN"' in text,
              f"-Pl log lines {text!r}")
    root.write("pop3.ipmap.tab", '"0.0.0.0"\t"0.0.0.0"\t"DENY"\t1\n')
    with R.Server(root) as srv:
        s, f = line_conn(srv.pop3)
        check(f.readline() == b"-ERR Server does not like Your IP\r\n", "global ipmap denies")
        f.close()
        s.close()


def timed_bad_login(port, user="alice"):
    """Seconds from PASS to the -ERR reply, and the socket pieces for more tries."""
    s, f = line_conn(port)
    f.readline()
    s.sendall(f"USER {user}\r\n".encode())
    f.readline()
    t0 = time.monotonic()
    s.sendall(b"PASS wrong\r\n")
    reply = f.readline()
    return time.monotonic() - t0, reply, s, f


def test_delays(tmp):
    """-Pw doubling within a session and the per-IP penalty across sessions. Only lower
    bounds are asserted: a loaded machine can make replies later, never earlier."""
    root = R.MailRoot(os.path.join(tmp, "root3"))
    root.make_cert()
    root.add_user("alice", "secret")
    with R.Server(root, "--delay-ms", "300") as srv:
        took, reply, s, f = timed_bad_login(srv.pop3)
        check(reply.startswith(b"-ERR [AUTH]") and took >= 0.3, f"-Pw first delay {took:.3f}s")
        s.sendall(b"USER alice\r\n")
        f.readline()
        t0 = time.monotonic()
        s.sendall(b"PASS wrong\r\n")
        f.readline()
        took = time.monotonic() - t0
        check(took >= 0.6, f"-Pw doubles in the session: {took:.3f}s")
        f.close()
        s.close()
    with R.Server(root, "--penalty-ms", "400") as srv:
        took1, _, s1, f1 = timed_bad_login(srv.pop3)
        took2, _, s2, f2 = timed_bad_login(srv.pop3)
        check(took2 >= 0.4, f"per-IP penalty carries over to a new session: {took1:.3f}s, "
                            f"then {took2:.3f}s")
        for x in (f1, s1, f2, s2):
            x.close()
    # STLS injection (CVE-2011-0411): commands pipelined after STLS must not run under TLS.
    with R.Server(root) as srv:
        s, f = line_conn(srv.pop3)
        f.readline()
        s.sendall(b"STLS\r\nUSER alice\r\n")
        check(f.readline().startswith(b"+OK"), "STLS accepted")
        f.close()
        ctx = ssl.create_default_context(cafile=root.cert)
        t = ctx.wrap_socket(s, server_hostname="localhost")
        t.sendall(b"PASS secret\r\n")
        reply = t.recv(200)
        check(reply.startswith(b"-ERR"), f"injected USER before TLS is discarded: {reply!r}")
        t.close()


def main():
    with tempfile.TemporaryDirectory(prefix="psyncd-pop3d-interop-") as tmp:
        os.chmod(tmp, 0o755)
        root = R.MailRoot(os.path.join(tmp, "root"))
        root.make_cert()
        for user, pw in (("alice", "secret"), ("carol", "pw3"), ("dave", "pw4"), ("erin", "pw5")):
            root.add_user(user, pw)
        msgs = [R.make_message(i, 3000 + 700 * i) for i in range(5)]
        for m in msgs:
            root.add_message("alice", m)
        root.add_message("dave", msgs[0])
        root.add_message("dave", msgs[1])
        for m in msgs:
            root.add_message("erin", m)
        with R.Server(root) as srv:
            test_poplib(srv, root, msgs)
            test_long_line_message(srv, root)
            test_curl(srv, root, msgs)
            test_fetchmail(srv, root, msgs, tmp)
            test_mpop(srv, root, msgs, tmp)
            test_mpop_scram(srv, msgs, tmp)
            test_fetchmail_top(srv, root, msgs, tmp)
            test_getmail(srv, root, msgs, tmp)
            test_s_client(srv, root)
            locks = [n for n in os.listdir(os.path.join(root.path, "pop3locks"))
                     if not n.startswith(".")]  # .psyncd-<pid>.lock-template is no lock
            check(locks == [], f"no lock left after the sessions: {locks}")
            if FAILURES:
                print(srv.log()[-3000:], file=sys.stderr)
        test_policies(tmp)
        test_delays(tmp)
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)", file=sys.stderr)
        return 1
    if SKIPPED:
        return 77
    print("pop3d interop: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
