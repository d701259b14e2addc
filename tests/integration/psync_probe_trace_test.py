#!/usr/bin/env python3
"""psyncd --probe and --trace against a real Dovecot: the probe shows the greeting, CAPA, TLS
(protocol, cipher, certificate subject/issuer/expiry, verification) and whether the login
works, and fetches and changes nothing; a --once --trace of a link with a wrong password
shows Dovecot's -ERR and never the password (nor USER's argument). Exit 77 = skipped
(dovecot missing, CI unset)."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot  # noqa: E402
from psync_mailroot import MailRoot, check, psyncd_bin  # noqa: E402
import subprocess  # noqa: E402

WRONG = "Wr0ng-Pa55word"


def probe(mr, link, *extra):
    cmd = [psyncd_bin(), "-Ms", mr.path, "--probe", link] + list(extra)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def main():
    dovecot.require_or_skip()
    with tempfile.TemporaryDirectory(prefix="psyncd-probe-") as tmp:
        msgs = [dovecot.make_message(i, 800) for i in range(3)]
        users = {"good": ("pw-good", msgs), "bad": ("pw-bad", msgs)}
        d = dovecot.Dovecot(os.path.join(tmp, "dv"), users)
        with d:
            mr = MailRoot(os.path.join(tmp, "root"), ["good", "bad"])
            with open(d.cert_path(), "rb") as src, \
                    open(os.path.join(mr.path, "certs.pem"), "wb") as dst:
                dst.write(src.read())  # trust the test server's self-signed certificate
            mr.set_links([
                ("ex.test", "good", f"127.0.0.1:{d.pop3s_port}", "good", "pw-good", "POP3S"),
                ("ex.test", "bad", f"127.0.0.1:{d.pop3_port}", "bad", WRONG, "CLR"),
                ("ex.test", "good", f"127.0.0.1:{d.pop3_port}", "good2", "x", "STLS,NoVerify"),
            ])

            r = probe(mr, "1")
            out = r.stdout
            check(r.returncode == 0, f"probe of a good link: exit {r.returncode}", out + r.stderr)
            check("greeting: +OK" in out, "the greeting is shown", out)
            check("capa: " in out and "UIDL" in out, "the CAPA list is shown", out)
            check("tls: TLSv1." in out, "the TLS protocol is shown", out)
            check("certificate subject: " in out and "certificate issuer: " in out,
                  "the certificate's subject and issuer are shown", out)
            check("certificate expires: " in out, "the certificate's expiry is shown", out)
            check("certificate verification: ok" in out, "the verification result", out)
            check("login: ok" in out, "the login works", out)
            check(d.message_count("good") == 3, "the probe fetched and deleted nothing")
            check(not os.listdir(mr.maildir("good")), "the probe delivered nothing")
            check(not os.listdir(os.path.join(mr.path, "msgsync")), "no UIDL seen-DB written")

            r = probe(mr, "127.0.0.1:%d" % d.pop3_port, "--trace")
            check(r.returncode == 64, f"a name that is no link: exit {r.returncode}",
                  r.stdout + r.stderr)

            r = probe(mr, f"bad@127.0.0.1:{d.pop3_port}", "--trace")
            out = r.stdout
            check(r.returncode == 1, f"probe of a bad password: exit {r.returncode}", out)
            check("tls: none" in out, "a clear-text link says so", out)
            check("login: FAIL" in out, "the failed login is reported", out)
            check("trace: S: -ERR" in out, "the trace shows the server's -ERR", out)
            check(WRONG not in out + r.stderr, "the password is not in the probe's output")

            r = probe(mr, "3")
            check("certificate verification: off (NoVerify)" in r.stdout,
                  "NoVerify is named", r.stdout)

            r = mr.run("--trace")
            err = r.stderr
            check(r.returncode == 75, f"--once with a failing link: exit {r.returncode}",
                  r.stdout + err)
            bad = [line for line in err.splitlines() if "trace: bad@" in line]
            check(any("C: PASS <redacted" in line for line in bad), "PASS is traced, redacted",
                  err)
            check(any("S: -ERR" in line for line in bad), "the trace shows Dovecot's -ERR", err)
            check(WRONG not in r.stdout + err, "the password never appears in the trace", err)
            check(not any("USER bad" in line for line in bad), "USER's argument is redacted", err)
            good = [line for line in err.splitlines() if "trace: good@" in line]
            check(any("(message: " in line and "not shown" in line for line in good),
                  "bodies are sizes, not text", err)
            check(not any("Subject:" in line for line in good), "no message text in the trace",
                  err)
    print("ok: --probe shows greeting, CAPA, TLS and login; --trace redacts and shows -ERR")


if __name__ == "__main__":
    main()
