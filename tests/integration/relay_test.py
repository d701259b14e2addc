#!/usr/bin/env python3
"""The SMTP relay end to end: a real Dovecot as the remote, the built psyncd, and a real SMTP
server from Debian (python3-aiosmtpd) as the gateway (DefaultSMTPGateways), each message it
takes counted by Message-ID and recipient.
  - carol's mailproc.tab keeps a copy and redirects to friend@other.example: carol gets each
    message once, the gateway gets each once for friend, with the envelope sender from
    Return-Path (else From); the messages leave the remote;
  - an '@' link to bob@outside.example is not relayed without PsyncRelayOutside (the
    message stays on the remote, --once exits 75), and is with PsyncRelayOutside=1;
  - a message with more Received lines than MaxMTAOps is not relayed (mail loop);
  - --once and --status count relayed recipients; nothing reaches the gateway twice.
Exit 0 pass, 1 fail, 77 skip (dovecot or aiosmtpd missing; CI=true: fail)."""
import collections
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot, smtp_gateway  # noqa: E402
from psync_mailroot import (MailRoot, add_remote_messages, check, psyncd_bin, q,  # noqa: E402
                            wait_for)
from e2e_test import msg  # noqa: E402


def remote_count(d, user):
    return sum(len(os.listdir(os.path.join(d.maildir(user), sub))) for sub in ("new", "cur"))


def msgid(m):
    return re.search(rb"Message-ID: (<[^>]+>)", m).group(1).decode()


def with_return_path(m, path):
    return b"Return-Path: <" + path.encode() + b">\r\n" + m


def looping(m, hops):
    return b"".join(b"Received: from h%d by h%d; Mon, 1 Jan 2026 00:00:00 +0000\r\n" % (i, i + 1)
                    for i in range(hops)) + m


def main():
    dovecot.require_or_skip()
    smtp_gateway.require_aiosmtpd()
    carol_msgs = [with_return_path(msg(f"for carol {i}", "carol@remote.test"), "bounce@lists.test")
                  for i in range(3)] + [msg("for carol plain", "carol@remote.test")]
    out_msgs = [msg(f"outside {i}", "x@remote.test") for i in range(2)]
    loop_msg = looping(msg("loop", "carol@remote.test"), 20)
    users = {"r-carol": ("pw1", carol_msgs), "r-out": ("pw2", out_msgs),
             "r-loop": ("pw3", [loop_msg])}
    with tempfile.TemporaryDirectory(prefix="psyncd-relay-") as tmp:
        with dovecot.Dovecot(os.path.join(tmp, "dv"), users) as d, \
                smtp_gateway.AiosmtpdGateway(tmp) as gw:
            root = MailRoot(os.path.join(tmp, "root"), ["carol", "errors"])
            root.write("domains/ex.test/carol/mailproc.tab",
                       q("mailbox") + q("redirect", "friend@other.example"))
            server = q("DefaultSMTPGateways", f"127.0.0.1:{gw.port}")
            root.write("server.tab", server)
            srv = f"127.0.0.1:{d.pop3_port}"
            root.set_links([("?ex.test,remote.test", "l1", srv, "r-carol", "pw1", "CLR"),
                            ("@outside.example", "bob", srv, "r-out", "pw2", "CLR")])
            r = root.run("-YT", "20")
            out = r.stdout + r.stderr
            check(r.returncode == 75, f"the outside link is held: exit 75, got {r.returncode}", out)
            check(len(root.delivered("carol")) == 4, "carol has her 4 copies", out)
            got = gw.received()
            want = sorted((msgid(m), "friend@other.example") for m in carol_msgs)
            check(sorted(got) == want, f"the gateway got each message once for friend: {got}", out)
            senders = collections.Counter(s for s, _, _, _ in gw.messages())
            check(senders == {"bounce@lists.test": 3, "sender@example.org": 1},
                  f"envelope sender from Return-Path, else From: {senders}", out)
            check(remote_count(d, "r-carol") == 0, "relayed messages left the remote", out)
            check(remote_count(d, "r-out") == 2, "outside recipients are not relayed by default",
                  out)
            check(re.search(r"r-carol@\S+ -> .*relayed 4, deferred 0, bounced 0", r.stdout),
                  "--once counts the relayed recipients", out)
            check(re.search(r"held 2: .*outside\.example.*not local", r.stdout),
                  "the outside link says why it is held", out)

            root.write("server.tab", server + q("PsyncRelayOutside", "1"))
            r = root.run("-YT", "20")
            out = r.stdout + r.stderr
            check(r.returncode == 0, f"with PsyncRelayOutside=1 --once exits 0: {r.returncode}",
                  out)
            got = gw.received()
            want += [(msgid(m), "bob@outside.example") for m in out_msgs]
            check(sorted(got) == sorted(want), f"bob got each once, nobody twice: {got}", out)
            check(remote_count(d, "r-out") == 0, "and they left the remote", out)
            check(len(root.delivered("carol")) == 4, "carol got no second copy", out)

            root.write("server.tab", server + q("Pop3SyncErrorAccount", "errors@ex.test"))
            root.set_links([("?ex.test,remote.test", "l3", srv, "r-loop", "pw3", "CLR")])
            r = root.run("-YT", "20")
            out = r.stdout + r.stderr
            check(sorted(gw.received()) == sorted(want), "the looping message was not relayed",
                  out)
            check(len(root.delivered("errors")) == 1, "it went to the error account", out)
            check("MaxMTAOps" in out, "the log names MaxMTAOps", out)

            # The daemon's --status shows the relay counts of the link's last run.
            add_remote_messages(d, "r-carol", [msg("by the daemon", "carol@remote.test")])
            root.set_links([("?ex.test,remote.test", "l1", srv, "r-carol", "pw1", "CLR")])
            status_tab = os.path.join(root.path, "psyncd", "status.tab")
            log_path = os.path.join(tmp, "daemon.log")
            with open(log_path, "w") as log:
                p = subprocess.Popen([psyncd_bin(), "-Ms", root.path, "-Yi", "0", "-P-", "-B-"],
                                     stdout=log, stderr=log)
            try:
                check(wait_for(lambda: os.path.exists(status_tab) and
                               "relayed" in open(status_tab).read(), 30),
                      "status.tab records the relay", open(log_path).read())
                st = subprocess.run([psyncd_bin(), "--status", "-Ms", root.path],
                                    capture_output=True, text=True, timeout=30)
                check(re.search(r"r-carol@.*relayed 1, deferred 0, bounced 0", st.stdout),
                      "--status shows the relayed count", st.stdout + st.stderr)
            finally:
                p.terminate()
                p.wait(timeout=30)
            check(len(gw.received()) == len(want) + 1, "the daemon relayed it once")
    print("relay: ok")


if __name__ == "__main__":
    main()
