#include "psync/oauth_auth_code.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>

namespace psyncd::psync {

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

Error paste_error(std::string text, ErrorKind kind = ErrorKind::usage) {
  return Error{kind, "", 0, "pasted address", std::move(text)};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding: '+' is a space, %XX a byte.
std::optional<std::string> form_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// "a=1&b=2" → {a: 1, b: 2}; nullopt on a bad escape or a name given twice.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto name = form_decode(pair.substr(0, eq));
    auto value = form_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!name || !value || out.contains(*name)) return std::nullopt;
    out.emplace(std::move(*name), std::move(*value));
  }
  return out;
}

// "http://127.0.0.1:8080/x" → "http://127.0.0.1:8080".
std::string_view origin(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return url;
  size_t end = url.find_first_of("/?#", scheme + 3);
  return url.substr(0, end);
}

}  // namespace

std::string loopback_redirect_uri(unsigned port) {
  return fmt::format("http://127.0.0.1:{}/", port);
}

std::string authorization_request_url(const OAuthGrant& g, const std::string& redirect_uri,
                                      const std::string& state, const std::string& challenge) {
  std::string url = g.authorization_url;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "response_type=code&client_id=" + form_encode(g.client_id) +
         "&redirect_uri=" + form_encode(redirect_uri);
  if (!g.scope.empty()) url += "&scope=" + form_encode(g.scope);
  url += "&state=" + form_encode(state) + "&code_challenge=" + form_encode(challenge) +
         "&code_challenge_method=S256";
  if (g.provider == "google") url += "&access_type=offline&prompt=consent";
  return url;
}

Result<std::string> code_from_paste(std::string_view pasted, const std::string& redirect_uri,
                                    const std::string& state) {
  while (!pasted.empty() && blank(pasted.front())) pasted.remove_prefix(1);
  while (!pasted.empty() && blank(pasted.back())) pasted.remove_suffix(1);
  if (pasted.empty()) return paste_error("nothing was pasted");
  const bool address = pasted.starts_with("http://") || pasted.starts_with("https://");
  if (!address) {
    if (!safe_token(pasted) || pasted.find_first_of("?&=#") != std::string_view::npos)
      return paste_error(
          "neither the address the browser was sent to (" + redirect_uri +
          "?code=...) nor a code: paste the whole address from the browser's address bar");
    return std::string(pasted);
  }
  if (origin(pasted) != origin(redirect_uri))
    return paste_error("the address does not start with " + std::string(origin(redirect_uri)) +
                       ", the redirect URI of this sign-in: paste the address the browser was "
                       "sent to after the sign-in");
  std::string_view rest = pasted.substr(origin(pasted).size());
  if (size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  size_t q = rest.find('?');
  auto query = parse_query(q == std::string_view::npos ? "" : rest.substr(q + 1));
  if (!query)
    return paste_error("the address's query is malformed (a bad %-escape or a name twice)");
  if (auto e = query->find("error"); e != query->end()) {
    std::string text = "the provider did not grant access: error=" + quote_peer_text(e->second);
    if (auto d = query->find("error_description"); d != query->end())
      text += " description=" + quote_peer_text(d->second, 200);
    return paste_error(text + ": nothing stored", ErrorKind::auth);
  }
  auto s = query->find("state");
  if (s == query->end() || s->second != state)
    return paste_error(
        "its state does not match this sign-in's: the address belongs to another sign-in (or "
        "was changed); nothing was exchanged: open the URL psyncd printed and paste the address "
        "it leads to");
  auto code = query->find("code");
  if (code == query->end() || code->second.empty())
    return paste_error("the address has no code=...: paste the address after the sign-in");
  if (!safe_token(code->second))
    return paste_error("the code holds a space, quote or control byte");
  return code->second;
}

std::string code_exchange_body(const OAuthGrant& g, const std::string& code,
                               const std::string& verifier, const std::string& redirect_uri) {
  std::string body = "grant_type=authorization_code&code=" + form_encode(code) +
                     "&redirect_uri=" + form_encode(redirect_uri) +
                     "&client_id=" + form_encode(g.client_id) +
                     "&code_verifier=" + form_encode(verifier);
  if (!g.client_secret.empty()) body += "&client_secret=" + form_encode(g.client_secret);
  return body;
}

Result<TokenAnswer> parse_code_exchange_answer(long status, std::string_view body,
                                               const std::string& url) {
  if (status != 200) {
    const ErrorAnswer answer = describe_error_answer(status, body);
    ErrorKind kind = status >= 500 || status == 429 ? ErrorKind::temporary : ErrorKind::protocol;
    std::string advice;
    if (answer.error == "invalid_grant") {
      kind = ErrorKind::auth;
      advice =
          ": a code works once, for minutes, and only with the verifier of the sign-in "
          "that asked for it: run psyncd --oauth-login again";
    } else if (answer.error == "invalid_client" || answer.error == "unauthorized_client") {
      kind = ErrorKind::auth;
      advice = ": check client_id and client_secret";
    }
    return Error{kind, url, 0, "", "exchanging the code failed: " + answer.text + advice};
  }
  return parse_grant_answer(status, body, url);
}

}  // namespace psyncd::psync
