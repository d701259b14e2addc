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
Controls: issue_refresh(), issue_access(), expire_access(), revoke(), answer (a function that
may replace the /token answer), after_token (called once /token has answered: the kill -9
test), refresh_calls (a count).

OAuthDovecot: harness.dovecot.Dovecot with `auth_mechanisms` xoauth2 and oauthbearer served
by `passdb { driver = oauth2 }` (introspection_url = the server above, introspection_mode =
post, username_attribute = username); the passwd-file passdb stays for the other mechanisms
and is the userdb.

Does not: speak TLS, or run the device-code or authorization-code flows."""
import http.server
import json
import os
import secrets
import threading
import time
import urllib.parse

from harness import dovecot


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

    def _introspect(self, form):
        self.introspections += 1
        with self.lock:
            a = self.access.get(form.get("token", ""))
            active = a is not None and not a["revoked"] and a["expires"] > time.monotonic()
        return 200, ({"active": True, "username": a["user"]} if active else {"active": False})

    def start(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode("utf-8", "replace")
                form = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
                server.requests.append((self.path, form))
                if self.path == "/token":
                    status, answer = server._token(form)
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
