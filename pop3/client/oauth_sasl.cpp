#include "pop3/client/oauth_sasl.hpp"

#include <fmt/format.h>

#include "common/ascii.hpp"
#include "common/json.hpp"
#include "common/result.hpp"
#include "pop3/base64.hpp"

namespace psyncd::pop3 {

namespace {

// RFC 5801 §4 saslname: ',' and '=' may not appear as they are.
std::string saslname(std::string_view user) {
  std::string out;
  for (char c : user) {
    if (c == ',')
      out += "=2C";
    else if (c == '=')
      out += "=3D";
    else
      out += c;
  }
  return out;
}

}  // namespace

bool parse_oauth_mech(std::string_view name, OAuthMech& out) {
  if (iequals(name, "XOAUTH2")) {
    out = OAuthMech::xoauth2;
    return true;
  }
  if (iequals(name, "OAUTHBEARER")) {
    out = OAuthMech::oauthbearer;
    return true;
  }
  return false;
}

const char* to_string(OAuthMech mech) {
  return mech == OAuthMech::xoauth2 ? "XOAUTH2" : "OAUTHBEARER";
}

std::string oauth_initial_response(OAuthMech mech, const OAuthTarget& t) {
  if (mech == OAuthMech::xoauth2)
    return "user=" + t.user +
           "\x01"
           "auth=Bearer " +
           t.token + "\x01\x01";
  std::string out = "n,a=" + saslname(t.user) + ",\x01";
  if (!t.host.empty()) out += "host=" + t.host + "\x01";
  if (t.port != 0) out += fmt::format("port={}\x01", t.port);
  return out + "auth=Bearer " + t.token + "\x01\x01";
}

std::string oauth_error_answer(OAuthMech mech) {
  return mech == OAuthMech::oauthbearer ? std::string("\x01") : std::string();
}

OAuthError parse_oauth_error(std::string_view challenge_b64) {
  OAuthError e;
  auto raw = base64_decode(challenge_b64);
  if (!raw) {
    e.summary = "the server's error challenge is not base64: " + quote_peer_text(challenge_b64);
    return e;
  }
  auto doc = json::parse(*raw, 4096);
  if (!doc || doc->type != json::Value::Type::object) {
    e.summary = "the server's error challenge is not a JSON object (" +
                (doc ? std::string("another JSON value") : doc.error().text) +
                "): " + quote_peer_text(*raw);
    return e;
  }
  e.ok = true;
  // RFC 7628 wants a string; some XOAUTH2 servers send the HTTP status as a number.
  if (const json::Value* status = doc->find("status");
      status != nullptr &&
      (status->type == json::Value::Type::string || status->type == json::Value::Type::number))
    e.status = status->text;
  e.scope = doc->string_member("scope").value_or("");
  e.openid_configuration = doc->string_member("openid-configuration").value_or("");
  e.summary = "status=" + quote_peer_text(e.status);
  if (!e.scope.empty()) e.summary += " scope=" + quote_peer_text(e.scope, 200);
  return e;
}

}  // namespace psyncd::pop3
