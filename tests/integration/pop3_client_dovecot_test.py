#!/usr/bin/env python3
"""psyncd's POP3 client (via pop3_client_probe) against a real Dovecot: every auth mode
(USER/PASS, APOP, FAPOP, SASL PLAIN/LOGIN/CRAM-MD5/SCRAM-SHA-1/SCRAM-SHA-256), every TLS
mode (none, STLS, FSTLS, POP3S) with verification against the test CA, pinning, a failed
verification, a wrong password, byte-exact message contents, and DELE committed by QUIT.
Usage: pop3_client_dovecot_test.py PROBE_BINARY. Exit 77 = skipped (no dovecot, CI unset)."""
import base64
import hashlib
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot  # noqa: E402

FAILURES = []


def run_probe(probe, d, out, **kw):
    args = [probe, "--port", str(kw.pop("port", d.pop3_port)), "--out", out]
    for k, v in kw.items():
        args += ["--" + k, str(v)]
    p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    res = dict(line.split("=", 1) for line in p.stdout.splitlines() if "=" in line)
    res["rc"] = p.returncode
    return res


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + (f"  [{detail}]" if not cond else ""))
    if not cond:
        FAILURES.append(name)


def pin_of(cert_path):
    der = subprocess.run(
        f"openssl x509 -in {cert_path} -pubkey -noout | openssl pkey -pubin -outform der",
        shell=True, capture_output=True, check=True).stdout
    return "sha256//" + base64.b64encode(hashlib.sha256(der).digest()).decode()


def main():
    dovecot.require_or_skip()
    probe = sys.argv[1]
    # Messages with a leading-dot line, a bare-LF-free CRLF body and a larger one.
    msgs = [dovecot.make_message(1, 500, subject="one") + b".leading dot\r\n..two dots\r\n",
            dovecot.make_message(2, 200_000, subject="big")]
    with tempfile.TemporaryDirectory(prefix="psyncd-client-") as tmp:
        users = {"user1": ("secret1", msgs), "user2": ("secret2", msgs[:1])}
        with dovecot.Dovecot(os.path.join(tmp, "dv"), users) as d:
            out = os.path.join(tmp, "out")
            os.makedirs(out)
            ca = d.cert_path()
            base = dict(user="user1", **{"pass": "secret1"})
            cases = [
                ("clear", dict(auth="clear"), "USER", "0"),
                ("apop", dict(auth="apop"), "APOP", "0"),
                ("fapop", dict(auth="fapop"), "APOP", "0"),
                ("sasl default", dict(auth="sasl"), "SASL SCRAM-SHA-256", "0"),
                ("sasl scram-sha-1", dict(auth="sasl", mech="SCRAM-SHA-1"), "SASL SCRAM-SHA-1", "0"),
                ("sasl cram-md5", dict(auth="sasl", mech="CRAM-MD5"), "SASL CRAM-MD5", "0"),
                ("sasl plain", dict(auth="sasl", mech="PLAIN"), "SASL PLAIN", "0"),
                ("sasl login", dict(auth="sasl", mech="LOGIN"), "SASL LOGIN", "0"),
                ("stls + apop", dict(auth="apop", tls="stls", ca=ca), "APOP", "1"),
                ("fstls", dict(tls="fstls", ca=ca), "USER", "1"),
                ("pop3s", dict(tls="pop3s", ca=ca, port=d.pop3s_port), "USER", "1"),
                ("pinned", dict(tls="fstls", pin=pin_of(ca)), "USER", "1"),
                ("no verify", dict(tls="stls", verify="no"), "USER", "1"),
            ]
            for name, kw, auth_used, tls in cases:
                r = run_probe(probe, d, out, **base, **kw)
                check(name, r["rc"] == 0 and r.get("auth") == auth_used and r.get("tls") == tls
                      and r.get("fetched") == "2" and r.get("pipelining") == "1", r)
            for i, m in enumerate(msgs, 1):
                with open(os.path.join(out, f"{i}.eml"), "rb") as f:
                    got = f.read()
                # Dovecot serves the stored bytes; the client unstuffs back to them.
                check(f"message {i} byte-exact", got == m, f"{len(got)} vs {len(m)}")
            r = run_probe(probe, d, out, **base, tls="stls")  # verification on, no CA given
            check("self-signed refused by default", r["rc"] == 1 and r.get("kind") == "protocol", r)
            r = run_probe(probe, d, out, user="user1", **{"pass": "wrong"})
            check("wrong password", r["rc"] == 1 and r.get("kind") == "auth", r)
            r = run_probe(probe, d, out, user="user2", **{"pass": "secret2"}, dele="yes", window="1")
            check("dele + quit", r["rc"] == 0 and r.get("quit") == "ok", r)
            check("dele committed", d.message_count("user2") == 0, d.message_count("user2"))
    if FAILURES:
        print("FAILED: " + ", ".join(FAILURES))
        return 1
    print("all ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
