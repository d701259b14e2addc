#include "psync/oauth_refresh.hpp"

#include <fmt/format.h>

#include "common/ascii.hpp"
#include "common/json.hpp"

namespace psyncd::psync {

namespace {

Error endpoint_error(ErrorKind kind, const std::string& url, std::string text,
                     ErrorCause cause = ErrorCause::none) {
  Error e{kind, url, 0, "token endpoint", std::move(text)};
  e.cause = cause;
  return e;
}

bool grant_is_dead(const std::string& error) {
  return error == "invalid_grant" || error == "invalid_client" || error == "unauthorized_client" ||
         error == "invalid_scope";
}

}  // namespace

bool safe_token(std::string_view token) {
  for (char c : token)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '"' || c == '\\') return false;
  return true;
}

std::string form_encode(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool plain = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~';
    if (plain)
      out += c;
    else
      out += fmt::format("%{:02X}", u);
  }
  return out;
}

ErrorAnswer describe_error_answer(long status, std::string_view body) {
  auto doc = json::parse(body);
  const bool object = doc && doc->type == json::Value::Type::object;
  ErrorAnswer a;
  a.error = object ? doc->string_member("error").value_or("") : "";
  a.text = fmt::format("HTTP {}", status);
  if (!a.error.empty()) a.text += " error=" + quote_peer_text(a.error);
  if (object)
    if (auto d = doc->string_member("error_description"); d && !d->empty())
      a.text += " description=" + quote_peer_text(*d, 200);
  return a;
}

std::string refresh_request_body(const OAuthGrant& g) {
  std::string body = "grant_type=refresh_token&refresh_token=" + form_encode(g.refresh_token) +
                     "&client_id=" + form_encode(g.client_id);
  if (!g.client_secret.empty()) body += "&client_secret=" + form_encode(g.client_secret);
  if (!g.scope.empty()) body += "&scope=" + form_encode(g.scope);
  return body;
}

Result<TokenAnswer> parse_token_answer(long status, std::string_view body, const std::string& url) {
  auto doc = json::parse(body);
  const bool object = doc && doc->type == json::Value::Type::object;
  if (status != 200) {
    const ErrorAnswer answer = describe_error_answer(status, body);
    const std::string& error = answer.error;
    const std::string& what = answer.text;
    if (grant_is_dead(error))
      return endpoint_error(ErrorKind::auth, url, "refused the refresh token: " + what,
                            ErrorCause::grant_refused);
    if (status >= 500 || status == 429)
      return endpoint_error(ErrorKind::temporary, url, "refresh failed for now: " + what);
    return endpoint_error(ErrorKind::protocol, url, "refresh failed: " + what);
  }
  if (!doc)
    return endpoint_error(ErrorKind::protocol, url, "answer is not JSON: " + doc.error().text);
  if (!object) return endpoint_error(ErrorKind::protocol, url, "answer is not a JSON object");
  TokenAnswer a;
  a.access_token = doc->string_member("access_token").value_or("");
  if (a.access_token.empty())
    return endpoint_error(ErrorKind::protocol, url, "answer has no access_token");
  if (!safe_token(a.access_token))
    return endpoint_error(ErrorKind::protocol, url,
                          "answer's access_token holds a space, quote or control byte");
  if (auto type = doc->string_member("token_type"); !type || !iequals(*type, "Bearer"))
    return endpoint_error(ErrorKind::protocol, url, "answer's token_type is not Bearer");
  if (doc->find("expires_in") != nullptr) {
    auto n = doc->integer_member("expires_in", 10ull * 365 * 86400);
    if (!n) return endpoint_error(ErrorKind::protocol, url, "answer's expires_in is not seconds");
    a.expires_in = static_cast<long long>(*n);
  }
  a.refresh_token = doc->string_member("refresh_token").value_or("");
  if (!safe_token(a.refresh_token))
    return endpoint_error(ErrorKind::protocol, url,
                          "answer's refresh_token holds a space, quote or control byte");
  return a;
}

Result<TokenAnswer> parse_grant_answer(long status, std::string_view body, const std::string& url) {
  auto token = parse_token_answer(status, body, url);
  if (token && token->refresh_token.empty())
    return endpoint_error(ErrorKind::protocol, url,
                          "the answer has no refresh_token (for Microsoft the scope must include "
                          "offline_access)");
  return token;
}

}  // namespace psyncd::psync
