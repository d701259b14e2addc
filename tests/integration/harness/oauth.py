"""OAuth 2.0 parts for integration tests: a token and introspection server on loopback, and
a Dovecot whose passdb is Dovecot's own oauth2 driver asking that server.

OAuthServer (a thread in the test process, plain http on 127.0.0.1, a port chosen at run
time) plays the provider:
  POST /token       grant_type=refresh_token (RFC 6749 §6): a known, unrevoked refresh token
                    and the right client id/secret give a new access token; with rotate=True
                    also a new refresh token, the old one staying valid for `grace` more uses
                    (as Microsoft's do). Errors are RFC 6749 §5.2 JSON ({"error":
                    "invalid_grant"}, "invalid_client").
  POST /introspect  token=... (RFC 7662, Dovecot's introspection_mode = post): {"active": true,
                    "username": USER} while the token is issued, unexpired and not revoked,
                    else {"active": false}.
  POST /junk        a token endpoint answering malformed JSON.
  POST /devicecode  the device authorization endpoint (RFC 8628 §3.1): a device code for the
                    client id, played out at /token (grant_type device_code) as `device_plan`
                    says: `pending` authorization_pending answers, one slow_down after the
                    first when `slow_down`, then `outcome`: "approve" (a refresh and an access
                    token for `user`), "deny" (access_denied) or "expire" (expired_token). A
                    poll sooner than the interval (slow_down adds 5 s) is counted in
                    early_polls and answered slow_down, as RFC 8628 §3.5 allows.
  GET /authorize    the authorization endpoint (RFC 6749 §4.1): the user `code_user` signs in
                    at once and it redirects (302) to redirect_uri with code and state; the code
                    is bound to its code_challenge (S256 only) and redirect_uri, and /token
                    (grant_type authorization_code) checks the code_verifier against it first
                    (RFC 7636 §4.6), then the redirect_uri; refusals are listed in
                    code_refusals ("pkce", "redirect_uri", "unknown code").
Controls: issue_refresh(), issue_access(), expire_access(), revoke(), answer (a function that
may replace the /token answer), after_token (called once /token has answered: the kill -9
test), refresh_calls (a count), device_plan, device_polls, early_polls, code_user,
code_refusals, code_exchanges.

OAuthDovecot: harness.dovecot.Dovecot with `auth_mechanisms` xoauth2 and oauthbearer served
by `passdb { driver = oauth2 }` (introspection_url = the server above, introspection_mode =
post, username_attribute = username); the passwd-file passdb stays for the other mechanisms
and is the userdb.

Token files (MAIL_ROOT/oauth/NAME): write_token_file(), read_grant(), read_grant_text().

Does not: speak TLS, or show a sign-in page (the user approves as the plan says)."""
import base64
import hashlib
import http.server
import json
import os
import secrets
import threading
import time
import urllib.parse

from harness import dovecot


def write_token_file(mr, name, text, mode=0o600):
    """Writes MAIL_ROOT/oauth/NAME of the MailRoot `mr` with `mode`; returns its path."""
    os.makedirs(os.path.join(mr.path, "oauth"), exist_ok=True)
    path = os.path.join(mr.path, "oauth", name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def read_grant_text(text):
    """A token file's text as {name: value} (the file is XMail's tab format)."""
    out = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        k, v = line.split("\t")
        out[k.strip('"')] = v.strip('"')
    return out


def read_grant(path):
    with open(path) as f:
        return read_grant_text(f.read())


class OAuthServer:
    def __init__(self, client_id="psyncd-test", client_secret="s3cret-client", lifetime=3600,
                 rotate=False, grace=1):
        self.client_id = client_id
        self.client_secret = client_secret
        self.lifetime = lifetime
        self.rotate = rotate
        self.grace = grace
        self.lock = threading.Lock()
        self.refresh = {}   # refresh token -> {"user":, "uses_left": None | n, "revoked": bool}
        self.access = {}    # access token -> {"user":, "expires": monotonic, "revoked": bool}
        self.refresh_calls = 0
        self.introspections = 0
        self.answer = None  # None, or f(form) -> (status, bytes) replacing /token's answer
        self.requests = []  # (path, form) of every request, for leak checks
        self.after_token = None  # called once /token's answer has been sent (kill -9 tests)
        self.httpd = None
        self.thread = None
        # --oauth-login: the device flow and the authorization-code flow.
        self.device_plan = {"pending": 2, "slow_down": True, "outcome": "approve",
                            "user": "device", "expires_in": 600, "interval": 1}
        self.devices = {}   # device code -> state of its plan
        self.device_polls = 0
        self.early_polls = 0
        self.code_user = "code"
        self.codes = {}     # authorization code -> {"challenge", "redirect_uri", "user", "used"}
        self.code_refusals = []
        self.code_exchanges = 0

    # --- state ------------------------------------------------------------------------------
    def issue_refresh(self, user):
        token = "rt-" + secrets.token_urlsafe(24)
        with self.lock:
            self.refresh[token] = {"user": user, "uses_left": None, "revoked": False}
        return token

    def issue_access(self, user, lifetime=None):
        token = "at-" + secrets.token_urlsafe(24)
        with self.lock:
            self.access[token] = {"user": user, "revoked": False,
                                  "expires": time.monotonic() + (lifetime or self.lifetime)}
        return token

    def expire_access(self):
        """Every access token issued so far stops being valid (introspection says inactive)."""
        with self.lock:
            for a in self.access.values():
                a["expires"] = 0

    def revoke(self, user):
        """The grant is withdrawn: every refresh and access token of `user` stops working."""
        with self.lock:
            for t in list(self.refresh.values()) + list(self.access.values()):
                if t["user"] == user:
                    t["revoked"] = True

    def valid_refresh(self):
        with self.lock:
            return [k for k, v in self.refresh.items()
                    if not v["revoked"] and v["uses_left"] != 0]

    # --- HTTP -------------------------------------------------------------------------------
    def _token(self, form):
        self.refresh_calls += 1
        if self.answer is not None:
            return self.answer(form)
        if form.get("grant_type") == "urn:ietf:params:oauth:grant-type:device_code":
            return self._device_token(form)
        if form.get("grant_type") == "authorization_code":
            return self._code_token(form)
        if form.get("grant_type") != "refresh_token":
            return 400, {"error": "unsupported_grant_type"}
        if form.get("client_id") != self.client_id or \
                form.get("client_secret", "") != self.client_secret:
            return 401, {"error": "invalid_client"}
        with self.lock:
            rt = self.refresh.get(form.get("refresh_token", ""))
            if rt is None or rt["revoked"] or rt["uses_left"] == 0:
                return 400, {"error": "invalid_grant",
                             "error_description": "the refresh token is expired or revoked"}
            if rt["uses_left"] is not None:
                rt["uses_left"] -= 1
        user = rt["user"]
        answer = {"token_type": "Bearer", "expires_in": self.lifetime,
                  "access_token": self.issue_access(user)}
        if self.rotate:
            with self.lock:
                if rt["uses_left"] is None:
                    rt["uses_left"] = self.grace
            answer["refresh_token"] = self.issue_refresh(user)
        return 200, answer

    def _client_ok(self, form):
        """A public client sends no secret (Microsoft's device flow); a secret sent must match."""
        return form.get("client_id") == self.client_id and \
            form.get("client_secret", self.client_secret) == self.client_secret

    def _grant(self, user):
        return 200, {"token_type": "Bearer", "expires_in": self.lifetime,
                     "access_token": self.issue_access(user),
                     "refresh_token": self.issue_refresh(user)}

    def _devicecode(self, form):
        if form.get("client_id") != self.client_id:
            return 400, {"error": "invalid_client"}
        code = "dc-" + secrets.token_urlsafe(24)
        user_code = secrets.token_hex(4).upper()
        plan = dict(self.device_plan)
        with self.lock:
            self.devices[code] = {"plan": plan, "pending": plan["pending"],
                                  "slowed": not plan["slow_down"], "interval": plan["interval"],
                                  "last": time.monotonic(), "used": False,
                                  "user_code": user_code}
        return 200, {"device_code": code, "user_code": user_code,
                     "verification_uri": self.url("/device"),
                     "expires_in": plan["expires_in"], "interval": plan["interval"]}

    def _device_token(self, form):
        self.device_polls += 1
        if not self._client_ok(form):
            return 401, {"error": "invalid_client"}
        with self.lock:
            d = self.devices.get(form.get("device_code", ""))
            if d is None or d["used"]:
                return 400, {"error": "invalid_grant"}
            now = time.monotonic()
            early = now - d["last"] < d["interval"] - 0.05
            d["last"] = now
            if early:
                self.early_polls += 1
                d["interval"] += 5
                return 400, {"error": "slow_down"}
            if d["pending"] < d["plan"]["pending"] and not d["slowed"]:
                d["slowed"] = True
                d["interval"] += 5
                return 400, {"error": "slow_down"}
            if d["pending"] > 0:
                d["pending"] -= 1
                return 400, {"error": "authorization_pending"}
            outcome = d["plan"]["outcome"]
            d["used"] = True
        if outcome == "deny":
            return 400, {"error": "access_denied"}
        if outcome == "expire":
            return 400, {"error": "expired_token"}
        return self._grant(d["plan"]["user"])

    def _authorize(self, query):
        q = {k: v[0] for k, v in urllib.parse.parse_qs(query).items()}
        redirect = q.get("redirect_uri", "")
        if q.get("client_id") != self.client_id or q.get("response_type") != "code" or \
                q.get("code_challenge_method") != "S256" or not q.get("code_challenge") or \
                not redirect.startswith("http://127.0.0.1:"):
            return 400, {"error": "invalid_request"}, None
        code = "4/" + secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {"challenge": q["code_challenge"], "redirect_uri": redirect,
                                "user": self.code_user, "used": False}
        where = redirect + "?" + urllib.parse.urlencode(
            {"code": code, "state": q.get("state", ""), "scope": q.get("scope", "")})
        return 302, b"", where

    def _code_token(self, form):
        self.code_exchanges += 1
        if not self._client_ok(form):
            return 401, {"error": "invalid_client"}
        with self.lock:
            c = self.codes.get(form.get("code", ""))
            if c is None or c["used"]:
                self.code_refusals.append("unknown code")
                return 400, {"error": "invalid_grant", "error_description": "unknown code"}
            c["used"] = True  # a code is spent by any attempt (RFC 6749 §4.1.2)
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != c["challenge"]:
            self.code_refusals.append("pkce")
            return 400, {"error": "invalid_grant",
                         "error_description": "code_verifier does not match code_challenge"}
        if form.get("redirect_uri") != c["redirect_uri"]:
            self.code_refusals.append("redirect_uri")
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri differs"}
        return self._grant(c["user"])

    def _introspect(self, form):
        self.introspections += 1
        with self.lock:
            a = self.access.get(form.get("token", ""))
            active = a is not None and not a["revoked"] and a["expires"] > time.monotonic()
        return 200, ({"active": True, "username": a["user"]} if active else {"active": False})

    def start(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                path, _, query = self.path.partition("?")
                server.requests.append((path, query))
                where = None
                if path == "/authorize":
                    status, answer, where = server._authorize(query)
                else:
                    status, answer = 404, {"error": "not_found"}
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                if where is not None:
                    self.send_header("Location", where)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode("utf-8", "replace")
                form = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
                server.requests.append((self.path, form))
                if self.path == "/token":
                    status, answer = server._token(form)
                elif self.path == "/devicecode":
                    status, answer = server._devicecode(form)
                elif self.path == "/introspect":
                    status, answer = server._introspect(form)
                elif self.path == "/junk":  # a token endpoint that answers malformed JSON
                    status, answer = 200, b'{"token_type":"Bearer","access_token":"at-x",'
                else:
                    status, answer = 404, {"error": "not_found"}
                data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()
                if self.path == "/token" and server.after_token is not None:
                    server.after_token()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def port(self):
        return self.httpd.server_address[1]

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None


class OAuthDovecot(dovecot.Dovecot):
    """A Dovecot that checks XOAUTH2/OAUTHBEARER tokens with `introspection_url`."""

    def __init__(self, directory, introspection_url, users=None):
        super().__init__(directory, users)
        self.introspection_url = introspection_url

    def _write_conf(self):
        super()._write_conf()
        path = self.conf_path()
        with open(path) as f:
            text = f.read()
        text = text.replace("auth_mechanisms = plain", "auth_mechanisms = xoauth2 oauthbearer plain")
        ext = os.path.join(self.dir, "oauth2.conf.ext")
        text = text.replace(
            "passdb {\n  driver = passwd-file",
            "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n"
            f"  args = {ext}\n}}\npassdb {{\n  driver = passwd-file\n"
            "  mechanisms = plain login apop cram-md5 scram-sha-1 scram-sha-256", 1)
        with open(path, "w") as f:
            f.write(text)
        with open(ext, "w") as f:
            f.write(f"introspection_mode = post\nintrospection_url = {self.introspection_url}\n"
                    "username_attribute = username\nactive_attribute = active\n"
                    "active_value = true\n")
        os.chmod(ext, 0o644)
