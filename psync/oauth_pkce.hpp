// Proof Key for Code Exchange (RFC 7636) for psyncd --oauth-login's authorization-code flow:
// the code verifier made from random bytes the caller supplies (so tests can fix them), and
// its S256 challenge. Pure: no I/O, no randomness of its own.
#pragma once

#include <string>
#include <string_view>

namespace psyncd::psync {

// base64url without padding (RFC 4648 §5, RFC 7636 Appendix A).
std::string base64url(std::string_view bytes);

// The verifier: base64url of 32 random bytes, 43 characters of [A-Za-z0-9-_] (RFC 7636 §4.1
// wants 43 to 128 unreserved characters). `random` must be 32 bytes.
std::string pkce_verifier(std::string_view random);

// code_challenge = BASE64URL(SHA256(verifier)), for code_challenge_method=S256 (§4.2).
std::string pkce_challenge_s256(std::string_view verifier);

}  // namespace psyncd::psync
