// The refresh-token grant (RFC 6749 §6) as pure code: the form a token endpoint is sent, and
// what its answer means (§5.1 success, §5.2 error). It sends nothing; oauth_tokens.hpp does,
// through oauth_http.hpp. Error texts carry the endpoint's own error code and description
// (escaped), never a token or secret.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "psync/oauth_token_file.hpp"

namespace psyncd::psync {

// application/x-www-form-urlencoded: grant_type=refresh_token, refresh_token, client_id,
// client_secret (when set), scope (when set).
std::string refresh_request_body(const OAuthGrant& grant);

// RFC 3986 unreserved bytes as they are, every other byte %XX (form encoding).
std::string form_encode(std::string_view text);

// A token goes into a SASL message, a form and the token file: no byte that could break one
// (controls, space, '"', '\\').
bool safe_token(std::string_view token);

// An RFC 6749 §5.2 error answer in words: "HTTP 400 error=\"invalid_grant\" description=..."
// (the peer's text quoted by quote_peer_text), and its error code ("" when it gave none).
struct ErrorAnswer {
  std::string error;
  std::string text;
};
ErrorAnswer describe_error_answer(long http_status, std::string_view body);

struct TokenAnswer {
  std::string access_token;
  long long expires_in = 0;   // seconds; 0 when the endpoint did not say
  std::string refresh_token;  // a rotated refresh token, or "" (keep the old one)
};

// The endpoint's HTTP status and body. Errors:
//   invalid_grant (and invalid_client, unauthorized_client, invalid_scope): kind auth, cause
//     grant_refused: a new grant (or a fixed token file) is needed, retrying cannot help;
//   a 5xx or 429: kind temporary (try again next cycle);
//   anything else unreadable (not JSON, no access_token, not Bearer): kind protocol.
Result<TokenAnswer> parse_token_answer(long http_status, std::string_view body,
                                       const std::string& url);

// A 200 answer to a login (device code or authorization code): as parse_token_answer, and it
// must carry the refresh token the login is for (kind protocol otherwise; Microsoft gives one
// only for a scope with offline_access).
Result<TokenAnswer> parse_grant_answer(long http_status, std::string_view body,
                                       const std::string& url);

}  // namespace psyncd::psync
