// The two SASL mechanisms that carry an OAuth 2.0 access token, client side, as pure code
// (GNU SASL 2.2 has neither): OAUTHBEARER (RFC 7628) and XOAUTH2 (Google's and Microsoft's
// older form of the same idea). Each sends one message with the token; a server that refuses
// the token answers with a challenge holding a JSON error (RFC 7628 §3.2.2), to which the
// client must send one more message (0x01 for OAUTHBEARER, an empty one for XOAUTH2) before
// the server's final -ERR. It builds those messages and reads that JSON; the session
// (session_auth.cpp) sends them. It does no I/O.
#pragma once

#include <string>
#include <string_view>

namespace psyncd::pop3 {

enum class OAuthMech { xoauth2, oauthbearer };

// "XOAUTH2" / "OAUTHBEARER" (any case) → the mechanism; false when it is neither.
bool parse_oauth_mech(std::string_view name, OAuthMech& out);
const char* to_string(OAuthMech mech);

struct OAuthTarget {
  std::string user;   // the mailbox: XOAUTH2 user=, OAUTHBEARER a= (authzid)
  std::string token;  // the access token (a Bearer token)
  std::string host;   // OAUTHBEARER host= (the server's name as we dialled it)
  unsigned port = 0;  // OAUTHBEARER port=; 0 leaves it out
};

// The client's one message, raw (not base64):
//   XOAUTH2:     "user=" user ^A "auth=Bearer " token ^A ^A
//   OAUTHBEARER: "n,a=" user "," ^A "host=" host ^A "port=" port ^A "auth=Bearer " token ^A ^A
// with ',' and '=' in the user written "=2C" and "=3D" (RFC 5801 saslname).
std::string oauth_initial_response(OAuthMech mech, const OAuthTarget& target);

// What the client answers to the server's error challenge: "\x01" for OAUTHBEARER
// (RFC 7628 §3.2.3), "" for XOAUTH2.
std::string oauth_error_answer(OAuthMech mech);

// The server's error challenge, decoded. RFC 7628 §3.2.2: {"status": "invalid_token",
// "scope": "...", "openid-configuration": "..."}; XOAUTH2 servers send an HTTP-like status
// ("401", "400") and "schemes". `ok` is false when the challenge is not base64 or not a
// JSON object; `summary` then says why.
struct OAuthError {
  bool ok = false;
  std::string status;
  std::string scope;
  std::string openid_configuration;
  // For the log and the link's hint: `status=invalid_token scope="..."`, each value escaped
  // (the server chose the bytes), or why the challenge could not be read.
  std::string summary;
};
OAuthError parse_oauth_error(std::string_view challenge_b64);

}  // namespace psyncd::pop3
