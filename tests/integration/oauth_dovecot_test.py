#!/usr/bin/env python3
"""PSYNC with OAuth 2.0 against a real Dovecot whose passdb is its own oauth2 driver, asking a
token/introspection server this test runs on loopback (harness/oauth.py): Dovecot accepts a
token only while that server says it is active.

Static tokens (field 5): SASL=XOAUTH2 and SASL=OAUTHBEARER with a valid token fetch the mail;
an expired, a revoked and a made-up token fail the link as "access token refused" with
Dovecot's decoded JSON status, fetch nothing, and leave the remote mail alone. No token
reaches psyncd's output or its logs. Exit 77 = skipped (dovecot missing, CI unset)."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot  # noqa: E402
from harness.oauth import OAuthDovecot, OAuthServer  # noqa: E402
from harness.wire import stored  # noqa: E402
from psync_mailroot import MailRoot, check  # noqa: E402

USERS = ["xo", "ob", "expired", "revoked", "madeup"]


def messages(user, n=2):
    return [dovecot.make_message(i, 700 + 500 * i, subject=f"{user} {i}") for i in range(n)]


def leaks(texts, secrets_list):
    return [s for s in secrets_list for t in texts if s and s in t]


def logs_text(mr):
    out = []
    logs = os.path.join(mr.path, "logs")
    for name in os.listdir(logs):
        with open(os.path.join(logs, name), errors="replace") as f:
            out.append(f.read())
    return out


def static_tokens(base, server, d, sent):
    mr = MailRoot(os.path.join(base, "static"), USERS)
    host = f"127.0.0.1:{d.pop3_port}"
    tokens = {u: server.issue_access(u) for u in USERS}
    tokens["madeup"] = "at-never-issued-by-the-server"
    server.revoke("revoked")
    expired = tokens["expired"]
    server.expire_access()
    for u in ("xo", "ob"):   # fresh ones for the users that must get in
        tokens[u] = server.issue_access(u)
    mechs = {"ob": "SASL=OAUTHBEARER"}
    mr.set_links([("ex.test", u, host, u, tokens[u], mechs.get(u, "SASL=XOAUTH2"))
                  for u in USERS])
    r = mr.run("-Yl")
    out = r.stdout + r.stderr
    check(r.returncode == 75, f"--once exit {r.returncode}, want 75 (three links fail)", out)
    for u in ("xo", "ob"):
        check(mr.delivered(u) == stored(sent[u]), f"{u}: mail delivered", out)
        check(d.message_count(u) == 0, f"{u}: remote mailbox emptied", out)
    for u in ("expired", "revoked", "madeup"):
        line = next((x for x in out.splitlines() if f"{u}@127.0.0.1" in x and "FAIL" in x), "")
        check("FAIL (auth)" in line and "access token refused" in line and
              'status=\\"401\\"' not in line and 'status="401"' in line,
              f"{u}: refused with Dovecot's decoded status", out)
        check(mr.delivered(u) == [], f"{u}: nothing delivered", out)
        check(d.message_count(u) == 2, f"{u}: remote mail untouched", out)
    check("refused the OAuth 2.0 access token" in out, "advice for a refused token", out)
    found = leaks([out] + logs_text(mr), list(tokens.values()) + [expired])
    check(not found, f"tokens in psyncd's output or logs: {found}", out)
    print("static tokens: ok")


def main():
    dovecot.require_or_skip()
    server = OAuthServer().start()
    with tempfile.TemporaryDirectory(prefix="psyncd-oauth-") as base:
        sent = {u: messages(u) for u in USERS}
        users = {u: ("unused-password", sent[u]) for u in USERS}
        d = OAuthDovecot(os.path.join(base, "dovecot"), server.url("/introspect"), users)
        with d:
            static_tokens(base, server, d, sent)
    server.stop()
    print("PASS")


if __name__ == "__main__":
    main()
