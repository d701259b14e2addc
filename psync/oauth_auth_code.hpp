// The authorization-code grant (RFC 6749 §4.1) with PKCE (RFC 7636) and a loopback redirect
// URI (RFC 8252 §7.3), as pure code, for psyncd --oauth-login where the provider has no device
// flow for the scope (Google and Gmail's https://mail.google.com/). psyncd listens on no port:
// the admin opens the URL in any browser, signs in, and pastes the address the browser was
// sent to (it fails to load, as nothing answers there) or just its code; so it works over SSH
// on a server without a browser. The state parameter ties the pasted address to this sign-in;
// the verifier ties the code to this process.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "psync/oauth_refresh.hpp"
#include "psync/oauth_token_file.hpp"

namespace psyncd::psync {

// "http://127.0.0.1:PORT/" (RFC 8252 §7.3: a loopback IP literal; providers accept any port).
std::string loopback_redirect_uri(unsigned port);

// The address the admin opens: authorization_url with response_type=code, client_id,
// redirect_uri, scope, state, code_challenge and code_challenge_method=S256; for google also
// access_type=offline and prompt=consent, without which Google gives no refresh token.
std::string authorization_request_url(const OAuthGrant& grant, const std::string& redirect_uri,
                                      const std::string& state, const std::string& challenge);

// The code out of what the admin pasted (white space around it ignored):
//   the redirected address (redirect_uri's scheme, host and port, then ?code=...&state=...):
//     its state must be `state`; an error=... in it (the sign-in was declined) is an error;
//   or the bare code (no state to check: the PKCE verifier still binds it to this sign-in).
// Errors (kind usage, or auth for a declined sign-in) say what was wrong; none repeats the code.
Result<std::string> code_from_paste(std::string_view pasted, const std::string& redirect_uri,
                                    const std::string& state);

// grant_type=authorization_code, code, redirect_uri, client_id, code_verifier, and
// client_secret when set (Google's "Desktop app" clients have one; it is not secret there).
std::string code_exchange_body(const OAuthGrant& grant, const std::string& code,
                               const std::string& verifier, const std::string& redirect_uri);

// The token endpoint's answer to the exchange. invalid_grant: the code is used, expired, made
// for another redirect URI or another verifier (kind auth); success must carry a refresh token.
Result<TokenAnswer> parse_code_exchange_answer(long http_status, std::string_view body,
                                               const std::string& url);

}  // namespace psyncd::psync
