#!/usr/bin/env python3
"""Relay benchmark: psyncd relaying through an SMTP gateway against fetchmail's SMTP
forwarding, in one run, on the same data: two Dovecot accounts hold the same 1000 messages of
4 KB; psyncd (an '@other.example' link, PsyncRelayOutside=1, DefaultSMTPGateways) and
fetchmail (smtphost, smtpname) each fetch one account, delete what they forwarded, and send
every message to the same gateway (python3-aiosmtpd, storing each message without fsync so
that the gateway costs both the same and little). Both get the messages from the same
Dovecot; each account is opened once first, untimed, so Dovecot's index is built for both.
Prints wall times, what the gateway received from each, and psyncd's time / fetchmail's.
Usage: relay_bench.py PSYNCD_BIN WORK_DIR"""
import os
import poplib
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from harness import dovecot, smtp_gateway  # noqa: E402
from psync_mailroot import MailRoot, q  # noqa: E402

MESSAGES, SIZE = 1000, 4096


def warm(port, user, password):
    p = poplib.POP3("127.0.0.1", port, timeout=60)
    p.user(user)
    p.pass_(password)
    p.stat()
    p.uidl()
    p.quit()


def timed(cmd, env=None):
    t0 = time.monotonic()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
    took = time.monotonic() - t0
    if r.returncode not in (0, 1):  # fetchmail: 1 = no mail
        print(r.stdout[-2000:], r.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"{cmd[0]} failed with {r.returncode}")
    return took


def main(argv):
    binary, work = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    os.makedirs(work, exist_ok=True)
    msgs = [dovecot.make_message(i, SIZE) for i in range(MESSAGES)]
    users = {"via-psyncd": ("pw1", msgs), "via-fetchmail": ("pw2", msgs)}
    with dovecot.Dovecot(os.path.join(work, "dv"), users) as d, \
            smtp_gateway.AiosmtpdGateway(work, durable=False) as gw:
        for user, (pw, _) in users.items():
            warm(d.pop3_port, user, pw)
        root = MailRoot(os.path.join(work, "root"), ["postmaster"])
        root.write("server.tab", q("DefaultSMTPGateways", f"127.0.0.1:{gw.port}") +
                   q("PsyncRelayOutside", "1"))
        root.set_links([("@other.example", "friend", f"127.0.0.1:{d.pop3_port}", "via-psyncd",
                         "pw1", "CLR")])
        psyncd = timed([binary, "-Ms", root.path, "--once", "-P-", "-B-"])
        after_psyncd = len(gw.messages())
        rc = os.path.join(work, "fetchmailrc")
        with open(rc, "w") as f:
            f.write(f'set no bouncemail\npoll 127.0.0.1 port {d.pop3_port} proto pop3 '
                    f'user "via-fetchmail" password "pw2" smtphost 127.0.0.1/{gw.port} '
                    f'smtpname "friend2@other.example" sslproto ""\n')
        os.chmod(rc, 0o600)
        fetchmail = timed(["fetchmail", "-f", rc, "-N", "--nosyslog",
                           "-i", os.path.join(work, "fetchmail.ids")],
                          env=dict(os.environ, HOME=work))
        rcpts = [r for _, r in gw.received()]
        got_p, got_f = rcpts.count("friend@other.example"), rcpts.count("friend2@other.example")
        print(f"psyncd   : {psyncd:6.2f} s, gateway received {got_p} of {MESSAGES} "
              f"(after psyncd: {after_psyncd}), remote left {d.message_count('via-psyncd')}")
        print(f"fetchmail: {fetchmail:6.2f} s, gateway received {got_f} of {MESSAGES}, "
              f"remote left {d.message_count('via-fetchmail')}")
        if got_p != MESSAGES or got_f != MESSAGES:
            raise SystemExit("a run did not relay every message")
        print(f"ratio psyncd/fetchmail: {psyncd / fetchmail:.2f}")


if __name__ == "__main__":
    main(sys.argv)
