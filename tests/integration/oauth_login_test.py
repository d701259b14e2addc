#!/usr/bin/env python3
"""psyncd --oauth-login end to end: the real binary gets the first refresh token from the
token server this test runs on loopback (harness/oauth.py), stores it in MAIL_ROOT/oauth/NAME,
and the link then fetches from a real Dovecot whose oauth2 passdb accepts a token only while
that server calls it active.

Device flow (RFC 8628): two authorization_pending answers and a slow_down, then approval: the
address and user code are printed, no poll comes sooner than the interval, the file gets the
grant (mode 0600), and the link fetches (it failed before the login: no refresh token). A
declined sign-in and an expired device code exit 77 and leave the file as it was.
Authorization code with PKCE (RFC 7636) and a pasted redirect address: the test opens the
printed address (the server signs in and redirects), pastes where it was sent, and the link
fetches; a pasted address with another state is refused before any exchange (exit 64); the bare
code of another sign-in is refused by the server's PKCE check (exit 77). No token, code,
verifier or client secret is printed. Exit 77 = skipped (dovecot missing, CI unset)."""
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import dovecot  # noqa: E402
from harness.oauth import OAuthDovecot, OAuthServer, read_grant, write_token_file  # noqa: E402
from harness.wire import stored  # noqa: E402
from psync_mailroot import MailRoot, check, psyncd_bin, q  # noqa: E402

USERS = ["device", "code"]


def messages(user, n=2):
    return [dovecot.make_message(i, 600 + 400 * i, subject=f"{user} {i}") for i in range(n)]


def login(mr, name, stdin=None, timeout=120):
    return subprocess.run([psyncd_bin(), "-Ms", mr.path, "--oauth-login", name],
                          capture_output=True, text=True, timeout=timeout, input=stdin)


def no_leaks(texts, server, extra=()):
    with server.lock:
        secrets = list(server.refresh) + list(server.access) + list(server.devices) + \
            list(server.codes)
    secrets += [server.client_secret] + list(extra)
    found = [s for s in secrets for t in texts if s and s in t]
    check(not found, f"secrets in psyncd's output: {found}", "\n".join(texts))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(url):
    """The browser's part: open the printed address; the server redirects at once."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(url, timeout=30)
    except urllib.error.HTTPError as e:
        if e.code == 302:
            return e.headers["Location"]
        raise
    raise AssertionError("the authorization endpoint did not redirect")


def start_code_login(mr, name):
    """psyncd --oauth-login in the code flow, up to its prompt: (process, printed address)."""
    p = subprocess.Popen([psyncd_bin(), "-Ms", mr.path, "--oauth-login", name],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    address = None
    lines = []
    while True:
        line = p.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("http://127.0.0.1:") and "/authorize?" in line:
            address = line.strip()
        if "paste it here" in line:
            break
    check(address is not None, f"{name}: the address to open is printed", "".join(lines))
    return p, address, "".join(lines)


def finish(p, pasted):
    out, err = p.communicate(pasted + "\n", timeout=120)
    return p.returncode, out, err


def device_flow(base, server, d, sent):
    mr = MailRoot(os.path.join(base, "device"), ["device"])
    host = f"127.0.0.1:{d.pop3_port}"
    text = q("token_url", server.url("/token")) + \
        q("device_authorization_url", server.url("/devicecode")) + \
        q("client_id", server.client_id) + q("scope", "pop offline_access")
    path = write_token_file(mr, "dev", text)
    mr.set_links([("ex.test", "device", host, "device", "unused", "SASL=XOAUTH2,OAuth=dev")])
    before = mr.run()
    check(before.returncode == 75 and "refresh_token: missing" in before.stdout + before.stderr
          and "--oauth-login dev" in before.stdout + before.stderr,
          "before the login the link fails, naming --oauth-login", before.stdout + before.stderr)

    server.device_plan.update(pending=2, slow_down=True, outcome="approve", user="device",
                              interval=1)
    polls = server.device_polls
    r = login(mr, "dev")
    out = r.stdout + r.stderr
    check(r.returncode == 0, f"device login exit {r.returncode}", out)
    with server.lock:
        user_code = next(v["user_code"] for v in server.devices.values())
    check(f"open {server.url('/device')} and enter the code {user_code}" in r.stdout,
          "the verification address and user code are printed", out)
    check(server.device_polls - polls == 4, "four polls: pending, slow_down, pending, approve "
          f"(got {server.device_polls - polls})", out)
    check(server.early_polls == 0, f"{server.early_polls} polls came sooner than the interval",
          out)
    g = read_grant(path)
    check(g["refresh_token"] in server.valid_refresh(), "the stored refresh token is the grant")
    check(g.get("device_authorization_url") == server.url("/devicecode"),
          "the admin's lines are kept")
    check(oct(os.stat(path).st_mode & 0o777) == "0o600", "the token file stays 0600")
    no_leaks([r.stdout, r.stderr], server)

    f = mr.run()
    check(f.returncode == 0, f"the link fetches with the new grant (exit {f.returncode})",
          f.stdout + f.stderr)
    check(mr.delivered("device") == stored(sent["device"]), "device: mail delivered")
    check(d.message_count("device") == 0, "device: remote mailbox emptied")
    no_leaks([f.stdout, f.stderr], server)

    # Declined, and a device code that expires: exit 77, the file as it was.
    for outcome, words in (("deny", "declined (access_denied)"), ("expire", "expired_token")):
        server.device_plan.update(pending=1, slow_down=False, outcome=outcome)
        now = open(path).read()
        r = login(mr, "dev")
        check(r.returncode == 77 and words in r.stderr and "--oauth-login" in r.stderr,
              f"{outcome}: exit 77 saying {words!r}", r.stdout + r.stderr)
        check(open(path).read() == now, f"{outcome}: the token file is untouched")
        no_leaks([r.stdout, r.stderr], server)
    print("device flow: ok")


def code_flow(base, server, d, sent):
    mr = MailRoot(os.path.join(base, "code"), ["code"])
    host = f"127.0.0.1:{d.pop3_port}"
    text = q("token_url", server.url("/token")) + \
        q("authorization_url", server.url("/authorize")) + \
        q("client_id", server.client_id) + q("client_secret", server.client_secret) + \
        q("scope", "https://mail.google.com/")
    path = write_token_file(mr, "gm", text)
    mr.set_links([("ex.test", "code", host, "code", "unused", "SASL=OAUTHBEARER,OAuth=gm")])
    server.code_user = "code"

    # Another state in the pasted address: refused before any exchange.
    p, address, said = start_code_login(mr, "gm")
    where = sign_in(address)
    parts = urllib.parse.urlsplit(where)
    query = dict(urllib.parse.parse_qsl(parts.query))
    query["state"] = "someone-elses-state"
    forged = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
    exchanges = server.code_exchanges
    rc, out, err = finish(p, forged)
    check(rc == 64 and "state does not match" in err, f"wrong state: exit 64 ({rc})", out + err)
    check(server.code_exchanges == exchanges, "wrong state: no code was exchanged")
    check(open(path).read() == text, "wrong state: the token file is untouched")
    no_leaks([said, out, err], server)

    # The bare code of one sign-in pasted into another: the server's PKCE check refuses it.
    p1, address1, said1 = start_code_login(mr, "gm")
    code1 = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(sign_in(address1)).query))["code"]
    finish(p1, "")  # the first sign-in ends without a paste
    p2, address2, said2 = start_code_login(mr, "gm")
    refusals = len(server.code_refusals)
    rc, out, err = finish(p2, code1)
    check(rc == 77 and "invalid_grant" in err and "exchanging the code failed" in err,
          f"PKCE mismatch: exit 77 with the server's invalid_grant ({rc})", out + err)
    check(server.code_refusals[refusals:] == ["pkce"], "the server refused it for PKCE: "
          f"{server.code_refusals[refusals:]}")
    check(open(path).read() == text, "PKCE mismatch: the token file is untouched")

    # The right address: stored, and the link fetches.
    p, address, said = start_code_login(mr, "gm")
    check("code_challenge_method=S256" in address and "state=" in address,
          "the address asks for PKCE S256 and carries a state", address)
    rc, out, err = finish(p, sign_in(address))
    check(rc == 0 and "refresh token stored in" in out, f"code login exit {rc}", out + err)
    g = read_grant(path)
    check(g["refresh_token"] in server.valid_refresh(), "the stored refresh token is the grant")
    check(oct(os.stat(path).st_mode & 0o777) == "0o600", "the token file stays 0600")
    no_leaks([said, said1, said2, out, err], server, [code1])

    f = mr.run()
    check(f.returncode == 0, f"the link fetches with the new grant (exit {f.returncode})",
          f.stdout + f.stderr)
    check(mr.delivered("code") == stored(sent["code"]), "code: mail delivered")
    check(d.message_count("code") == 0, "code: remote mailbox emptied")
    print("authorization code flow: ok")


def main():
    dovecot.require_or_skip()
    server = OAuthServer().start()
    with tempfile.TemporaryDirectory(prefix="psyncd-oauth-login-") as base:
        sent = {u: messages(u) for u in USERS}
        users = {u: ("unused-password", sent[u]) for u in sent}
        d = OAuthDovecot(os.path.join(base, "dovecot"), server.url("/introspect"), users)
        with d:
            device_flow(base, server, d, sent)
            code_flow(base, server, d, sent)
    server.stop()
    print("PASS")


if __name__ == "__main__":
    main()
