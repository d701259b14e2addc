// SCRAM-SHA-256 server (RFC 5802, RFC 7677) over the clear-text secret from the Authenticator:
// the salted password is derived per login with a fresh salt, since MAILUSERS.TAB stores a
// reversible password, not SCRAM keys. Unknown users get a fake secret so that the exchange
// looks the same until the proof fails.
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

#include "pop3/base64.hpp"
#include "pop3/server/sasl_mechanism.hpp"

namespace psyncd::pop3 {

namespace {

constexpr int kIterations = 4096;

std::string sha256(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 failed");
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string pbkdf2(std::string_view password, std::string_view salt, int iterations) {
  std::string out(32, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(), 32,
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    throw std::runtime_error("OpenSSL PBKDF2 failed");
  }
  return out;
}

// "=2C" -> ",", "=3D" -> "="; any other "=" is malformed (RFC 5802 §5.1).
std::optional<std::string> decode_saslname(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '=') {
      out.push_back(s[i]);
      continue;
    }
    const std::string_view code = s.substr(i + 1, 2);
    if (code == "2C")
      out.push_back(',');
    else if (code == "3D")
      out.push_back('=');
    else
      return std::nullopt;
    i += 2;
  }
  return out;
}

// The value of attribute `key` ("n", "r", ...) when `part` is "key=value".
std::optional<std::string_view> attribute(std::string_view part, char key) {
  if (part.size() < 2 || part[0] != key || part[1] != '=') return std::nullopt;
  return part.substr(2);
}

std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

class ScramSha256 : public SaslMechanism {
 public:
  explicit ScramSha256(SaslContext c) : ctx_(std::move(c)) {}

  SaslStep step(std::optional<std::string_view> response) override {
    if (!response) {
      if (stage_ != Stage::first) return sasl_malformed("SCRAM expects a response");
      stage_ = Stage::client_first;
      return {SaslStep::Kind::challenge, {}, {}, AuthStatus::ok, {}, {}};
    }
    switch (stage_) {
      case Stage::first:
      case Stage::client_first:
        return client_first(*response);
      case Stage::client_final:
        return client_final(*response);
      case Stage::done:
        return finish(*response);
    }
    return sasl_malformed("SCRAM exchange out of order");
  }

 private:
  enum class Stage { first, client_first, client_final, done };

  SaslStep client_first(std::string_view msg) {
    // gs2-header: "n,," or "y,," (with an optional "a=authzid"); "p=" needs channel binding.
    const auto parts = split_commas(msg);
    if (parts.size() < 4 || (parts[0] != "n" && parts[0] != "y")) {
      if (!parts.empty() && parts[0].substr(0, 2) == "p=") {
        return sasl_malformed("SCRAM channel binding is not supported");
      }
      return sasl_malformed("malformed SCRAM client-first message");
    }
    gs2_header_ = std::string(parts[0]) + "," + std::string(parts[1]) + ",";
    auto name = attribute(parts[2], 'n');
    auto nonce = attribute(parts[3], 'r');
    auto user = name ? decode_saslname(*name) : std::nullopt;
    if (!user || user->empty() || !nonce || nonce->empty()) {
      return sasl_malformed("malformed SCRAM client-first message");
    }
    if (!parts[1].empty()) {
      auto authz = attribute(parts[1], 'a');
      auto authz_user = authz ? decode_saslname(*authz) : std::nullopt;
      if (!authz_user) return sasl_malformed("malformed SCRAM client-first message");
      if (*authz_user != *user) mismatch_authz_ = true;
    }
    user_ = *user;
    client_first_bare_ = std::string(msg.substr(gs2_header_.size()));
    lookup_ = ctx_.auth->lookup_secret(user_);
    if (lookup_.status == AuthStatus::temporary) {
      return sasl_finish(lookup_.status, user_, lookup_.reason);
    }
    known_ = lookup_.status == AuthStatus::ok || lookup_.status == AuthStatus::disabled;
    const std::string secret = known_ ? lookup_.secret : ctx_.random(16);
    const std::string salt = ctx_.random(16);
    nonce_ = std::string(*nonce) + base64_encode(ctx_.random(18));
    salted_ = pbkdf2(secret, salt, kIterations);
    server_first_ =
        "r=" + nonce_ + ",s=" + base64_encode(salt) + ",i=" + std::to_string(kIterations);
    stage_ = Stage::client_final;
    return {SaslStep::Kind::challenge, server_first_, {}, AuthStatus::ok, {}, {}};
  }

  SaslStep client_final(std::string_view msg) {
    const std::size_t p = msg.rfind(",p=");
    if (p == std::string_view::npos) return sasl_malformed("malformed SCRAM client-final message");
    const std::string_view without_proof = msg.substr(0, p);
    const auto parts = split_commas(without_proof);
    auto binding = parts.size() >= 2 ? attribute(parts[0], 'c') : std::nullopt;
    auto nonce = parts.size() >= 2 ? attribute(parts[1], 'r') : std::nullopt;
    auto proof = base64_decode(msg.substr(p + 3));
    if (!binding || !nonce || !proof) return sasl_malformed("malformed SCRAM client-final message");
    if (*nonce != nonce_) return sasl_malformed("SCRAM nonce mismatch");
    if (base64_decode(*binding) != gs2_header_) {
      return sasl_malformed("SCRAM channel binding data mismatch");
    }
    const std::string auth_message =
        client_first_bare_ + "," + server_first_ + "," + std::string(without_proof);
    const std::string client_key = hmac("SHA256", salted_, "Client Key");
    const std::string signature = hmac("SHA256", sha256(client_key), auth_message);
    std::string want = client_key;
    for (std::size_t i = 0; i < want.size(); ++i)
      want[i] = static_cast<char>(want[i] ^ signature[i]);
    const bool match =
        proof->size() == want.size() && CRYPTO_memcmp(proof->data(), want.data(), want.size()) == 0;
    if (!known_ || !match || mismatch_authz_) {
      return sasl_finish(
          AuthStatus::bad_credentials, user_,
          !known_ ? lookup_.reason
                  : (match ? "SCRAM authorization identity differs" : "SCRAM proof mismatch"));
    }
    const std::string server_sig =
        hmac("SHA256", hmac("SHA256", salted_, "Server Key"), auth_message);
    stage_ = Stage::done;
    // RFC 5034 has no "success with data": the server-final message goes in a challenge and
    // the client answers with an empty response.
    return {
        SaslStep::Kind::challenge, "v=" + base64_encode(server_sig), {}, AuthStatus::ok, {}, {}};
  }

  SaslStep finish(std::string_view msg) {
    if (!msg.empty()) return sasl_malformed("SCRAM expects an empty final response");
    return sasl_finish(lookup_.status, lookup_.status == AuthStatus::ok ? lookup_.user : user_,
                       lookup_.reason);
  }

  SaslContext ctx_;
  Stage stage_ = Stage::first;
  std::string user_, gs2_header_, client_first_bare_, nonce_, salted_, server_first_;
  SecretLookup lookup_;
  bool known_ = false;
  bool mismatch_authz_ = false;
};

}  // namespace

std::unique_ptr<SaslMechanism> make_scram_sha256(SaslContext context) {
  return std::make_unique<ScramSha256>(std::move(context));
}

}  // namespace psyncd::pop3
