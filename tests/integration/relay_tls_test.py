#!/usr/bin/env python3
"""The SMTP relay's TLS and AUTH against a real gateway (python3-aiosmtpd) with a self-signed
certificate made by openssl at run time:
  - NeedTLS=2 with Auth/Password (XMail-encrypted) and NoVerify=1: a gateway that refuses
    MAIL before STARTTLS and AUTH gets the message over STARTTLS, logged in;
  - a wrong password is refused at AUTH (535, before MAIL): the message stays on the remote
    and the next cycle with the right one sends it, once;
  - SMTPS=1: the same through a gateway that speaks TLS from the first byte.
Exit 0 pass, 1 fail, 77 skip (dovecot, aiosmtpd or openssl missing; CI=true: fail)."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot, smtp_gateway  # noqa: E402
from psync_mailroot import MailRoot, add_remote_messages, check, q, xmcrypt  # noqa: E402
from e2e_test import msg  # noqa: E402
from relay_test import msgid  # noqa: E402

FRIEND = "friend@other.example"


def main():
    dovecot.require_or_skip()
    smtp_gateway.require_aiosmtpd()
    if shutil.which("openssl") is None:
        dovecot.fail_or_skip("openssl is not installed")
    with tempfile.TemporaryDirectory(prefix="psyncd-relay-tls-") as tmp:
        cert, key = os.path.join(tmp, "gw.pem"), os.path.join(tmp, "gw.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
        with dovecot.Dovecot(os.path.join(tmp, "dv"), {"r-carol": ("pw1", [])}) as d, \
                smtp_gateway.AiosmtpdGateway(tmp, tls="starttls", cert=(cert, key),
                                             login="fetch:s3cret", name="starttls") as gw, \
                smtp_gateway.AiosmtpdGateway(tmp, tls="smtps", cert=(cert, key),
                                             login="fetch:s3cret", name="smtps") as gws:
            root = MailRoot(os.path.join(tmp, "root"), ["carol"])
            root.write("domains/ex.test/carol/mailproc.tab",
                       q("mailbox") + q("redirect", FRIEND))
            root.set_links([("?ex.test,remote.test", "l1", f"127.0.0.1:{d.pop3_port}", "r-carol",
                             "pw1", "CLR")])

            def gateway(port, tls, password):
                root.write("server.tab", q("DefaultSMTPGateways",
                                           f"127.0.0.1:{port},{tls},Auth=fetch,"
                                           f"Password={xmcrypt(password)},NoVerify=1"))

            def send(subject, expect_rc):
                m = msg(subject, "carol@remote.test")
                add_remote_messages(d, "r-carol", [m])
                r = root.run("-YT", "20")
                check(r.returncode == expect_rc, f"{subject}: exit {expect_rc}, got "
                      f"{r.returncode}", r.stdout + r.stderr)
                return m, r.stdout + r.stderr

            gateway(gw.port, "NeedTLS=2", "s3cret")
            m1, out = send("over starttls", 0)
            check(gw.received() == [(msgid(m1), FRIEND)], "STARTTLS + AUTH: relayed once", out)

            gateway(gw.port, "NeedTLS=2", "wrong")
            m2, out = send("wrong password", 75)
            check("535" in out, "the log shows the gateway's refusal at AUTH", out)
            check(d.message_count("r-carol") == 1, "the message stays on the remote", out)
            gateway(gw.port, "NeedTLS=2", "s3cret")
            r = root.run("-YT", "20")
            check(r.returncode == 0, "the right password relays it", r.stdout + r.stderr)
            check(sorted(gw.received()) == sorted([(msgid(m1), FRIEND), (msgid(m2), FRIEND)]),
                  "each once", str(gw.received()))

            gateway(gws.port, "SMTPS=1", "s3cret")
            m3, out = send("over smtps", 0)
            check(gws.received() == [(msgid(m3), FRIEND)], "SMTPS + AUTH: relayed once", out)
            check(len(root.delivered("carol")) == 3, "carol has each once")
    print("relay tls: ok")


if __name__ == "__main__":
    main()
