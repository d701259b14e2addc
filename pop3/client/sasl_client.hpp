// SaslClient: the client side of one SASL exchange (RFC 5034 POP3 AUTH) through GNU SASL:
// PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256. Base64 in, base64 out, no I/O.
// It does not send AUTH or read replies; the client session does that.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::pop3 {

class SaslClient {
 public:
  // Our preference order, strongest first.
  static const std::vector<std::string>& supported();
  // The first of our mechanisms the server offers (names compared upper-case), or "".
  static std::string choose(const std::vector<std::string>& offered);

  // Errors (kind config): a mechanism GNU SASL cannot run.
  static Result<std::unique_ptr<SaslClient>> start(std::string_view mechanism,
                                                   std::string_view user,
                                                   std::string_view password);
  ~SaslClient();
  SaslClient(const SaslClient&) = delete;
  SaslClient& operator=(const SaslClient&) = delete;

  struct Step {
    std::string response;   // base64, possibly empty
    bool finished = false;  // the mechanism has nothing more to say
  };
  // One round: the server's base64 challenge (empty for the first step) → our response.
  // Errors (kind auth or protocol): bad base64 from the server, a failed server proof.
  Result<Step> step(std::string_view challenge_b64);

 private:
  SaslClient() = default;
  void* session_ = nullptr;  // Gsasl_session*
};

}  // namespace psyncd::pop3
