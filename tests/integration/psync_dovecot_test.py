#!/usr/bin/env python3
"""PSYNC against a real Dovecot: every authtype token (CLR, APOP, FAPOP, STLS, FSTLS, POP3S,
Leave across two runs, Leave=N, OutBind=127.0.0.1, every SASL= mechanism, NoVerify, Pin= right,
wrong and without certs.pem, UseTop, MaxSize= with either SizeAction=, KeepDays= until its
messages expire), every link kind (local, @, ?, &), each
delivered message compared byte for byte, the remote mailboxes checked afterwards, and the
-Yl psync log. Exit 77 = skipped (dovecot missing, CI unset)."""
import glob
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot  # noqa: E402
from psync_mailroot import MailRoot, add_remote_messages, check  # noqa: E402
from harness.wire import stored  # noqa: E402

# (remote user, authtype, link kind); local account = remote user name.
CASES = [
    ("clr", "CLR", "local"),
    ("apop", "APOP", "local"),
    ("fapop", "FAPOP", "local"),
    ("stls", "STLS", "local"),
    ("fstls", "FSTLS", "local"),
    ("pop3s", "POP3S", "local"),
    ("pinned", "POP3S,Pin=sha256:{pin}", "local"),
    ("outbind", "OutBind=127.0.0.1", "local"),
    ("saslplain", "SASL=PLAIN", "local"),
    ("saslcram", "SASL=CRAM-MD5", "local"),
    ("saslscram", "SASL=SCRAM-SHA-256,FSTLS", "local"),
    ("sasllogin", "SASL=LOGIN", "local"),
    ("saslscram1", "SASL=SCRAM-SHA-1", "local"),
    ("noverify", "POP3S,NoVerify", "local"),
    ("usetop", "UseTop", "local"),
    ("maxskip", "MaxSize=1k", "local"),
    ("maxdelete", "MaxSize=1k,SizeAction=delete", "local"),
    ("keepdays", "KeepDays=3", "local"),
    ("leaven", "Leave=1", "local"),
    ("leave", "Leave", "local"),
    ("at", "", "@"),
    ("masq", "", "?"),
    ("append", "", "&"),
]


def messages(user, n=3):
    msgs = [dovecot.make_message(i, 600 + 900 * i, subject=f"{user} {i}") for i in range(n)]
    # Headers that route '?' and '&' mail, and a body line that needs dot-unstuffing.
    msgs = [m.replace(b"To: user@example.org", f"To: <{user}@remote.test>".encode()) for m in msgs]
    msgs.append(f"From: a@b.example\r\nTo: {user}@remote.test\r\nSubject: dots\r\n\r\n"
                ".leading dot\r\n..two dots\r\n.\r\nend\r\n".encode())
    return msgs


MAX_SIZE = 1024  # MaxSize=1k


def keeps_mail(auth):
    return "Leave" in auth or "KeepDays" in auth


def expected(auth, msgs):
    """(delivered, left on the server) for a first run over `msgs`."""
    if "MaxSize" not in auth:
        return stored(msgs), len(msgs) if keeps_mail(auth) else 0
    small = [m for m in msgs if len(m) <= MAX_SIZE]
    return stored(small), 0 if "SizeAction=delete" in auth else len(msgs) - len(small)


def cert_pin(cert_path):
    """Pin=sha256: value as an admin would copy it: `openssl x509 -fingerprint -sha256` of the
    server's certificate, upper-case hex with colons."""
    out = subprocess.run(["openssl", "x509", "-in", cert_path, "-noout", "-fingerprint",
                          "-sha256"], capture_output=True, text=True, check=True).stdout
    return out.strip().split("=", 1)[1]


def link_for(mr, d, user, auth, kind):
    if "{pin}" in auth:
        auth = auth.replace("{pin}", cert_pin(d.cert_path()))
    port = d.pop3s_port if "POP3S" in auth else d.pop3_port
    server = f"127.0.0.1:{port}"
    if kind == "local":
        return ("ex.test", user, server, user, "pw-" + user, auth)
    if kind == "@":
        return ("@ex.test", user, server, user, "pw-" + user, auth)
    if kind == "?":
        return ("?ex.test,remote.test", "x", server, user, "pw-" + user, auth)
    return ("&.ex.test,remote.test", "x", server, user, "pw-" + user, auth)


def main():
    dovecot.require_or_skip()
    with tempfile.TemporaryDirectory(prefix="psyncd-psync-") as tmp:
        sent = {user: messages(user) for user, _, _ in CASES}
        users = {user: ("pw-" + user, msgs) for user, msgs in sent.items()}
        d = dovecot.Dovecot(os.path.join(tmp, "dv"), users)
        with d:
            mr = MailRoot(os.path.join(tmp, "root"), [u for u, _, _ in CASES],
                          aliasdomains={"remote.test.ex.test": "ex.test"})
            with open(d.cert_path(), "rb") as src, \
                    open(os.path.join(mr.path, "certs.pem"), "wb") as dst:
                dst.write(src.read())  # trust the test server's self-signed certificate
            mr.set_links([link_for(mr, d, u, a, k) for u, a, k in CASES])
            r = mr.run("-Yl")
            print(r.stdout, end="")
            check(r.returncode == 0, f"first run exit {r.returncode}", r.stdout + r.stderr)
            for user, auth, kind in CASES:
                got = mr.delivered(user)
                want, want_left = expected(auth, sent[user])
                check(got == want, f"{user} ({auth or kind}): messages differ",
                      f"got {len(got)} want {len(want)}\n{r.stdout}")
                left = d.message_count(user)
                check(left == want_left, f"{user}: {left} messages left on the server, "
                      f"want {want_left}")
            check(0 < len(expected("MaxSize", sent["maxskip"])[0]) < len(sent["maxskip"]),
                  "MaxSize=1k splits the test messages")
            logs = glob.glob(os.path.join(mr.path, "logs", "psync-*"))
            check(len(logs) == 1, "one psync log file")
            lines = open(logs[0]).read().splitlines()
            check(len(lines) == len(CASES), f"{len(lines)} psync log lines")
            check(all('"SYNC=OK"' in line for line in lines), "every log line SYNC=OK")

            # Leave, second run: nothing new, then one new message fetched alone.
            r = mr.run()
            check(r.returncode == 0, "second run", r.stdout + r.stderr)
            check(len(mr.delivered("leave")) == len(sent["leave"]), "Leave: no refetch")
            extra = dovecot.make_message(99, 2000, subject="new one")
            add_remote_messages(d, "leave", [extra])
            r = mr.run()
            check(r.returncode == 0, "third run", r.stdout + r.stderr)
            check(mr.delivered("leave") == stored(sent["leave"] + [extra]),
                  "Leave: only the new message fetched")
            check(d.message_count("leave") == len(sent["leave"]) + 1, "Leave: remote untouched")
            uidb = glob.glob(os.path.join(mr.path, "msgsync", "*", "leave.uidb"))
            check(len(uidb) == 1 and len(open(uidb[0]).read().split()) == 5, "Leave: uidb")

            # KeepDays=3: kept while younger than 3 days; once their download dates (psyncd's
            # keepdays file) are 4 days old, the next run deletes them without fetching again.
            check(d.message_count("keepdays") == len(sent["keepdays"]), "KeepDays: kept")
            dates = glob.glob(os.path.join(mr.path, "psyncd", "keepdays", "keepdays@*.tab"))
            check(len(dates) == 1, "KeepDays: one dates file", str(dates))
            rows = [line.split("\t") for line in open(dates[0]).read().splitlines()]
            check(len(rows) == len(sent["keepdays"]), f"KeepDays: {len(rows)} dated UIDLs")
            with open(dates[0], "w") as f:
                f.writelines(f"{u}\t{int(t) - 4 * 86400}\n" for u, t in rows)
            r = mr.run()
            check(r.returncode == 0, "KeepDays: expiry run", r.stdout + r.stderr)
            check(d.message_count("keepdays") == 0, "KeepDays: expired messages deleted")
            check(mr.delivered("keepdays") == stored(sent["keepdays"]), "KeepDays: no refetch")

            # Pin=: the pin is the trust anchor, so without certs.pem the pinned link still
            # works while plain POP3S cannot verify the self-signed certificate; a wrong pin
            # fails at connect, before any credential is sent, and leaves the remote alone.
            os.remove(os.path.join(mr.path, "certs.pem"))
            again = [dovecot.make_message(7, 1500, subject="pinned again")]
            add_remote_messages(d, "pinned", again)
            add_remote_messages(d, "pop3s", again)
            add_remote_messages(d, "noverify", again)
            mr.set_links([link_for(mr, d, u, a, k) for u, a, k in CASES
                          if u in ("pinned", "pop3s", "noverify")])
            r = mr.run()
            check(r.returncode != 0, "no certs.pem: the run fails (POP3S unverified)", r.stdout)
            check(mr.delivered("pinned") == stored(sent["pinned"] + again),
                  "no certs.pem: the pinned link fetched", r.stdout + r.stderr)
            check(d.message_count("pop3s") == 1 and "FAIL (connect)" in r.stdout,
                  "no certs.pem: POP3S fails at connect", r.stdout)
            check(mr.delivered("noverify") == stored(sent["noverify"] + again),
                  "no certs.pem: the NoVerify link fetched", r.stdout + r.stderr)
            add_remote_messages(d, "pinned", again)
            bad = "0" * 64
            mr.set_links([link_for(mr, d, "pinned", f"POP3S,Pin=sha256:{bad}", "local")])
            r = mr.run()
            print(r.stdout, end="")
            check(r.returncode != 0 and "FAIL (connect)" in r.stdout, "wrong pin fails", r.stdout)
            check(d.message_count("pinned") == 1, "wrong pin: remote untouched")
            check(len(mr.delivered("pinned")) == len(sent["pinned"]) + 1,
                  "wrong pin: nothing delivered")

            # A wrong password fails the run with a non-zero exit and one FAIL line.
            mr.set_links([("ex.test", "clr", f"127.0.0.1:{d.pop3_port}", "clr", "bad", "")])
            r = mr.run()
            check(r.returncode != 0 and "FAIL" in r.stdout, "bad password fails", r.stdout)
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
