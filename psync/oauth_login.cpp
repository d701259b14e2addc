#include "psync/oauth_login.hpp"

#include <fmt/format.h>
#include <sys/random.h>

#include <cerrno>
#include <iostream>
#include <thread>

#include "psync/oauth_auth_code.hpp"
#include "psync/oauth_device_flow.hpp"
#include "psync/oauth_file_lock.hpp"
#include "psync/oauth_pkce.hpp"
#include "psync/oauth_refresh.hpp"
#include "psync/oauth_token_file.hpp"

namespace psyncd::psync {

namespace {

Error file_problem(const std::string& path, std::string field, std::string text) {
  return Error{ErrorKind::config, path, 0, std::move(field), std::move(text)};
}

// Which flow the file asks for, or why none can run.
Result<std::string> choose_flow(const OAuthGrant& g, const std::string& path) {
  if (g.login == "device" && g.device_authorization_url.empty())
    return file_problem(path, "device_authorization_url",
                        "missing, and login is device: give the provider's device "
                        "authorization endpoint (Google has none that allows Gmail's scope: "
                        "use login code)");
  if (g.login == "code" && g.authorization_url.empty())
    return file_problem(path, "authorization_url", "missing, and login is code");
  if (!g.login.empty()) return g.login;
  if (!g.device_authorization_url.empty()) return std::string("device");
  if (!g.authorization_url.empty()) return std::string("code");
  return file_problem(path, "authorization_url",
                      "missing, and so is device_authorization_url: give provider microsoft or "
                      "google, or one of those endpoints");
}

Result<TokenAnswer> device_flow(const OAuthGrant& g, const std::string& name,
                                const LoginSeams& io) {
  auto answer = io.post(g.device_authorization_url, device_authorization_body(g));
  if (!answer) {
    // http_post_form calls whatever it reached a token endpoint; this one is not.
    Error e = answer.error();
    if (e.field == "token endpoint") e.field = "device authorization endpoint";
    return e;
  }
  auto auth = parse_device_authorization(answer->status, answer->body, g.device_authorization_url);
  if (!auth) return auth.error();
  io.say(fmt::format("{}: sign in as the mailbox's user: open {} and enter the code {}", name,
                     auth->verification_uri, auth->user_code));
  if (!auth->verification_uri_complete.empty())
    io.say(fmt::format("(or open {}, which has the code in it)", auth->verification_uri_complete));
  io.say(fmt::format("Waiting for the sign-in; the code is valid for {} min.",
                     (auth->expires_in + 59) / 60));
  long long now = unix_seconds(io.clock->now());
  DevicePoll poll(*auth, now);
  while (poll.check_deadline() == DevicePoll::State::waiting) {
    // The whole interval from the last answer, whatever the clock's second turned meanwhile:
    // polling sooner is what RFC 8628 §3.5 forbids.
    io.sleep(poll.next_poll_at() - now);
    auto polled = io.post(g.token_url, device_token_body(g, auth->device_code));
    now = unix_seconds(io.clock->now());
    if (!polled) {
      const ErrorKind kind = polled.error().kind;
      // A network hiccup should not throw away a sign-in the user may be finishing.
      if (kind != ErrorKind::temporary && kind != ErrorKind::unavailable) return polled.error();
      io.say(fmt::format("(the token endpoint did not answer: {}; trying again)",
                         polled.error().to_string()));
      poll.on_unreachable(now);
      continue;
    }
    poll.on_answer(polled->status, polled->body, g.token_url, now);
  }
  if (poll.state() == DevicePoll::State::failed) return poll.error();
  return poll.token();
}

Result<TokenAnswer> code_flow(const OAuthGrant& g, const std::string& name, const LoginSeams& io) {
  auto random = io.random_bytes(32 + 16 + 2);
  if (!random) return random.error();
  const std::string_view bytes = *random;
  const std::string verifier = pkce_verifier(bytes.substr(0, 32));
  const std::string state = base64url(bytes.substr(32, 16));
  // A port of the dynamic range: nothing listens there, the browser only shows the address.
  const unsigned port =
      49152u +
      ((static_cast<unsigned char>(bytes[48]) * 256u + static_cast<unsigned char>(bytes[49])) %
       16384u);
  const std::string redirect = loopback_redirect_uri(port);
  io.say(fmt::format(
      "{}: open this address in a browser (on any machine), sign in as the mailbox's user and "
      "allow access:",
      name));
  io.say(authorization_request_url(g, redirect, state, pkce_challenge_s256(verifier)));
  io.say(fmt::format(
      "The browser is then sent to {}?code=... and shows that it cannot connect (nothing "
      "listens there). Copy that whole address from the address bar and paste it here (or "
      "only the code), then press Enter:",
      redirect));
  auto line = io.read_line();
  if (!line)
    return Error{ErrorKind::usage, "", 0, "pasted address",
                 "nothing was pasted (end of input): nothing stored"};
  auto code = code_from_paste(*line, redirect, state);
  if (!code) return code.error();
  auto answer = io.post(g.token_url, code_exchange_body(g, *code, verifier, redirect));
  if (!answer) return answer.error();
  return parse_code_exchange_answer(answer->status, answer->body, g.token_url);
}

}  // namespace

Result<void> oauth_login(fs::FileSystem& fs, const std::string& path, const LoginSeams& io) {
  auto grant = load_token_file(path, TokenFileUse::login);
  if (!grant) {
    Error e = grant.error();
    if (e.kind == ErrorKind::not_found)
      e.text +=
          ": write it first (provider, client_id, client_secret when there is one; "
          "docs/admin-guide.md \"Getting the first refresh token\")";
    return e;
  }
  auto flow = choose_flow(*grant, path);
  if (!flow) return flow.error();
  const std::string name = fs::base_name(path);
  auto token = *flow == "device" ? device_flow(*grant, name, io) : code_flow(*grant, name, io);
  if (!token) return token.error();
  // Stored under the lock, over the file as it is now (a refresh may have run meanwhile).
  auto lock = TokenFileLock::take(path);
  if (!lock) return lock.error();
  auto now_grant = load_token_file(path, TokenFileUse::login);
  if (!now_grant) return now_grant.error();
  const bool replaced = !now_grant->refresh_token.empty();
  const long long now = unix_seconds(io.clock->now());
  now_grant->refresh_token = token->refresh_token;
  now_grant->access_token = token->access_token;
  now_grant->expires_at = now + (token->expires_in > 0 ? token->expires_in : 3600);
  if (auto stored = store_token_file(fs, path, *now_grant); !stored) {
    Error e = stored.error();
    e.text = "the new refresh token could not be stored: " + e.text;
    return e;
  }
  io.say(
      fmt::format("{}: refresh token {} in {} (mode 0600); links with OAuth={} use it from "
                  "their next run.",
                  name, replaced ? "replaced" : "stored", path, name));
  return {};
}

LoginSeams terminal_login_seams(const std::string& mail_root, std::chrono::milliseconds timeout,
                                std::ostream& out, std::istream& in) {
  LoginSeams io;
  io.post = https_token_post(mail_root, timeout);
  io.say = [&out](const std::string& line) { out << line << std::endl; };
  io.read_line = [&in]() -> std::optional<std::string> {
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    return line;
  };
  io.sleep = [](long long seconds) { std::this_thread::sleep_for(std::chrono::seconds(seconds)); };
  io.random_bytes = [](size_t n) -> Result<std::string> {
    std::string bytes(n, '\0');
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::getrandom(bytes.data() + got, n - got, 0);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return fs::sys_error("getrandom", "", errno);
      got += static_cast<size_t>(r);
    }
    return bytes;
  };
  io.clock = &system_clock();
  return io;
}

}  // namespace psyncd::psync
