#!/usr/bin/env python3
"""PSYNC with OAuth 2.0 against a real Dovecot whose passdb is its own oauth2 driver, asking a
token/introspection server this test runs on loopback (harness/oauth.py): Dovecot accepts a
token only while that server says it is active.

Static tokens (field 5): SASL=XOAUTH2 and SASL=OAUTHBEARER with a valid token fetch the mail;
an expired, a revoked and a made-up token fail the link as "access token refused" with
Dovecot's decoded JSON status, fetch nothing, and leave the remote mail alone.

Token files (OAuth=NAME, the daemon and --status): refreshed before expiry, refreshed once
after Dovecot refused a token the file called fresh, the rotated refresh token stored (mode
0600); a revoked grant is "FAIL (auth): re-authorize" with its failure delay; an endpoint that
does not answer and one that answers malformed JSON are connect-step failures; a group-readable
file is refused (and named by --check); kill -9 right after the endpoint answered leaves a
grant that works. No token or secret reaches psyncd's output, status or logs.
Exit 77 = skipped (dovecot missing, CI unset)."""
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot  # noqa: E402
from harness.oauth import (OAuthDovecot, OAuthServer, read_grant, read_grant_text,  # noqa: E402
                           write_token_file)
from harness.wire import stored  # noqa: E402
from psync_mailroot import MailRoot, check, psyncd_bin, wait_for  # noqa: E402

USERS = ["xo", "ob", "expired", "revoked", "madeup"]
REFRESH_USERS = ["early", "late", "revoked2", "down", "junk", "unsafe", "crash"]


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


def token_file_text(server, refresh, access="", expires_at=0, url=None):
    from psync_mailroot import q
    text = "# test grant\n" + q("token_url", url or server.url("/token")) + \
        q("client_id", server.client_id) + q("client_secret", server.client_secret) + \
        q("refresh_token", refresh)
    if access:
        text += q("access_token", access) + q("expires_at", str(expires_at))
    return text


def status_text(mr):
    r = subprocess.run([psyncd_bin(), "--status", "-Ms", mr.path], capture_output=True,
                       text=True, timeout=60)
    return r.stdout + r.stderr


def refreshing(base, server, d, sent):
    """OAuth= token files: refresh before expiry, refresh after a refused token, revoked grant,
    endpoint down, malformed answer, an unsafe file."""
    users = ["early", "late", "revoked2", "down", "junk", "unsafe"]
    mr = MailRoot(os.path.join(base, "refresh"), users,
                  server_vars={"PsyncFailedAccountDelay": "600"})
    host = f"127.0.0.1:{d.pop3_port}"
    now = int(time.time())
    secrets_seen = [server.client_secret]
    paths = {}
    # early: a valid token, but within 5 minutes of its end: refreshed before use.
    rt = server.issue_refresh("early")
    at = server.issue_access("early")
    paths["early"] = write_token_file(mr, "early", token_file_text(server, rt, at, now + 100))
    secrets_seen += [rt, at]
    # late: the file calls its token fresh, the server has withdrawn it: refused, refreshed once.
    rt = server.issue_refresh("late")
    at = server.issue_access("late", lifetime=1)
    paths["late"] = write_token_file(mr, "late", token_file_text(server, rt, at, now + 3000))
    secrets_seen += [rt, at]
    # revoked2: the grant is withdrawn: re-authorize.
    rt = server.issue_refresh("revoked2")
    server.revoke("revoked2")
    paths["revoked2"] = write_token_file(mr, "revoked2", token_file_text(server, rt))
    # down: the token endpoint does not answer.
    paths["down"] = write_token_file(mr, "down", token_file_text(
        server, server.issue_refresh("down"), url=f"http://127.0.0.1:{dovecot.free_port()}/token"))
    # junk: the endpoint answers malformed JSON (fuzzed shapes are in fuzz/corpus/oauth_json).
    paths["junk"] = write_token_file(mr, "junk", token_file_text(
        server, server.issue_refresh("junk"), url=server.url("/junk")))
    # unsafe: group-readable.
    paths["unsafe"] = write_token_file(mr, "unsafe", token_file_text(
        server, server.issue_refresh("unsafe")), mode=0o640)
    before = {u: open(p).read() for u, p in paths.items()}
    time.sleep(1.2)  # late's access token expires at the server
    mr.set_links([("ex.test", u, host, u, "unused", f"SASL=XOAUTH2,OAuth={u}") for u in users])
    chk = subprocess.run([psyncd_bin(), "--check", "-Ms", mr.path], capture_output=True,
                         text=True, timeout=60)
    check("oauth/unsafe" in chk.stdout + chk.stderr and "chmod 600" in chk.stdout + chk.stderr,
          "--check names the unsafe token file", chk.stdout + chk.stderr)
    calls = server.refresh_calls
    log_path = os.path.join(base, "refresh.log")
    with open(log_path, "w") as log:
        p = subprocess.Popen([psyncd_bin(), "-Ms", mr.path, "-Yi", "0", "-P-", "-B-", "-Yl"],
                             stdout=log, stderr=log)
        try:
            status_tab = os.path.join(mr.path, "psyncd", "status.tab")
            check(wait_for(lambda: os.path.exists(status_tab) and
                           sum(1 for x in open(status_tab) if x.startswith('"')) == len(users),
                           60), "status.tab has every link", open(log_path).read())
            text = status_text(mr)
        finally:
            p.terminate()
            p.wait(timeout=60)
    out = open(log_path).read()
    for u in ("early", "late"):
        check(mr.delivered(u) == stored(sent[u]), f"{u}: mail delivered", out + text)
        g = read_grant(paths[u])
        check(g["refresh_token"] != read_grant_text(before[u])["refresh_token"] and
              g["refresh_token"] in server.valid_refresh(),
              f"{u}: the rotated refresh token is stored", out)
        check(oct(os.stat(paths[u]).st_mode & 0o777) == "0o600", f"{u}: file stays 0600")
        secrets_seen += [g["refresh_token"], g["access_token"]]
    check("access token refused" in out and "refreshing it once" in out,
          "late: refused, then refreshed once", out)
    check(server.refresh_calls - calls == 3, "three refreshes at /token (early, late, "
          f"revoked2), got {server.refresh_calls - calls}", out)

    def line(u):
        return next((x for x in text.splitlines() if x.startswith(f"{u}@")), "")
    check(re.search(r"last FAIL \(auth\): re-authorize: .*invalid_grant.*failure delay: 600 s",
                    line("revoked2")), "revoked2: FAIL (auth): re-authorize with its delay", text)
    check("FAIL (connect)" in line("down") and "token endpoint" in line("down"),
          "down: a connect-step failure naming the token endpoint", text)
    check("FAIL (connect)" in line("junk") and "not JSON" in line("junk"),
          "junk: a connect-step failure: the answer is not JSON", text)
    check("FAIL (connect)" in line("unsafe") and "chmod 600" in line("unsafe"),
          "unsafe: refused with chmod 600 advice", text)
    for u in ("revoked2", "down", "junk", "unsafe"):
        check(open(paths[u]).read() == before[u], f"{u}: token file untouched", out)
        check(mr.delivered(u) == [] and d.message_count(u) == len(sent[u]),
              f"{u}: nothing fetched", out)
    found = leaks([out, text] + logs_text(mr), secrets_seen)
    check(not found, f"secrets in psyncd's output, status or logs: {found}", out)
    print("token refresh: ok")


def crash_between_refresh_and_store(base, server, d, sent):
    """kill -9 the moment the token endpoint has answered (before psyncd can have stored the
    rotated refresh token): the file is the old grant or the new one, never broken or
    readable by others, and the next run fetches with it, each message once."""
    mr = MailRoot(os.path.join(base, "crash"), ["crash"])
    host = f"127.0.0.1:{d.pop3_port}"
    path = write_token_file(mr, "crash", token_file_text(server, server.issue_refresh("crash")))
    mr.set_links([("ex.test", "crash", host, "crash", "unused", "SASL=OAUTHBEARER,OAuth=crash")])
    for attempt in range(3):
        proc = subprocess.Popen([psyncd_bin(), "-Ms", mr.path, "--once", "-P-", "-B-"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server.after_token = lambda: os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        server.after_token = None
        check(proc.returncode == -signal.SIGKILL, f"attempt {attempt}: psyncd was killed")
        g = read_grant(path)  # parses: old or new, never a mix
        check(oct(os.stat(path).st_mode & 0o777) == "0o600", "crash: file stays 0600")
        check(g["refresh_token"] in server.valid_refresh(), "crash: the stored refresh token "
              "still works (the provider keeps the old one valid after rotating)")
        check(mr.delivered("crash") == [], "crash: nothing fetched before the kill")
    r = mr.run()
    check(r.returncode == 0, f"crash: the run after the kills succeeds ({r.returncode})",
          r.stdout + r.stderr)
    check(mr.delivered("crash") == stored(sent["crash"]), "crash: each message once")
    leftovers = [n for n in os.listdir(os.path.join(mr.path, "oauth"))
                 if n not in ("crash", ".crash.lock")]
    print(f"crash between refresh and store: ok (temp files left by the kills: {leftovers})")


def main():
    dovecot.require_or_skip()
    server = OAuthServer().start()
    with tempfile.TemporaryDirectory(prefix="psyncd-oauth-") as base:
        sent = {u: messages(u) for u in USERS + REFRESH_USERS}
        users = {u: ("unused-password", sent[u]) for u in sent}
        d = OAuthDovecot(os.path.join(base, "dovecot"), server.url("/introspect"), users)
        with d:
            static_tokens(base, server, d, sent)
            server.rotate, server.grace = True, 1000  # old refresh tokens stay valid a while
            refreshing(base, server, d, sent)
            crash_between_refresh_and_store(base, server, d, sent)
    server.stop()
    print("PASS")


if __name__ == "__main__":
    main()
