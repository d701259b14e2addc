// Server side of the SASL mechanisms behind POP3 AUTH (RFC 5034): PLAIN (RFC 4616), LOGIN
// (draft-murchison-sasl-login), CRAM-MD5 (RFC 2195) and SCRAM-SHA-256 (RFC 5802, 7677).
// All are pure code over OpenSSL primitives rather than GNU SASL: the exchanges are short,
// we need the Authenticator's answers (locked, disabled, temporary) rather than gsasl's, and
// injected nonces make the exchanges byte-exact in tests. Base64 framing is the session's job.
// No SASLprep: names and passwords are compared as bytes. No channel binding (-PLUS).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pop3/server/authenticator.hpp"

namespace psyncd::pop3 {

struct SaslStep {
  enum class Kind { challenge, success, failure };
  Kind kind = Kind::failure;
  std::string challenge;  // raw bytes to send in a "+ " line (challenge)
  std::string user;       // canonical user (success) or the name the client gave (failure)
  AuthStatus status = AuthStatus::bad_credentials;  // failure: why
  std::string protocol_error;  // failure caused by a malformed response: the -ERR text
  std::string reason;          // diagnosis for the log
};

// Random bytes for nonces and challenges (tests inject a fixed source).
using RandomSource = std::function<std::string(std::size_t)>;
RandomSource openssl_random();

class SaslMechanism {
 public:
  virtual ~SaslMechanism() = default;
  // First call: the initial response (nullopt when none was given); then each client response.
  virtual SaslStep step(std::optional<std::string_view> response) = 0;
};

struct SaslContext {
  Authenticator* auth = nullptr;
  RandomSource random;
  std::string hostname;  // for the CRAM-MD5 challenge
};

// Upper-case names we implement, in our preference order.
const std::vector<std::string>& supported_sasl_mechanisms();
// True for mechanisms that send the password itself (refused before TLS when configured so).
bool sasl_is_cleartext(std::string_view mechanism);
// nullptr when the mechanism is not one of ours. `mechanism` is matched case-insensitively.
std::unique_ptr<SaslMechanism> make_sasl_mechanism(std::string_view mechanism, SaslContext context);

// Shared by the mechanisms: turns a verify/lookup outcome into a final step.
SaslStep sasl_finish(AuthStatus status, std::string user, std::string reason);
SaslStep sasl_malformed(std::string text);

// HMAC over OpenSSL (md: "MD5", "SHA256"); used by CRAM-MD5 and SCRAM.
std::string hmac(const char* md, std::string_view key, std::string_view data);

std::unique_ptr<SaslMechanism> make_scram_sha256(SaslContext context);

}  // namespace psyncd::pop3
