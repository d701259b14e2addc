#include "pop3/server/sasl_mechanism.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "common/ascii.hpp"
#include "common/hex.hpp"
#include "pop3/apop.hpp"

namespace psyncd::pop3 {

namespace {

bool same_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// PLAIN: one message "authzid NUL authcid NUL password".
class PlainMechanism : public SaslMechanism {
 public:
  explicit PlainMechanism(SaslContext c) : ctx_(std::move(c)) {}
  SaslStep step(std::optional<std::string_view> response) override {
    if (!response) {
      if (asked_) return sasl_malformed("PLAIN expects a response");
      asked_ = true;
      return {SaslStep::Kind::challenge, {}, {}, AuthStatus::ok, {}, {}};
    }
    const std::size_t nul1 = response->find('\0');
    const std::size_t nul2 = nul1 == std::string_view::npos ? nul1 : response->find('\0', nul1 + 1);
    if (nul2 == std::string_view::npos ||
        response->find('\0', nul2 + 1) != std::string_view::npos) {
      return sasl_malformed("malformed PLAIN response");
    }
    const std::string_view authzid = response->substr(0, nul1);
    const std::string_view authcid = response->substr(nul1 + 1, nul2 - nul1 - 1);
    const std::string_view password = response->substr(nul2 + 1);
    if (authcid.empty()) return sasl_malformed("malformed PLAIN response");
    // Acting as another user is not offered: the authorization identity must be empty or equal.
    if (!authzid.empty() && authzid != authcid) {
      return sasl_finish(AuthStatus::bad_credentials, std::string(authcid),
                         "PLAIN authorization identity differs from the login name");
    }
    auto outcome = ctx_.auth->verify_password(authcid, password);
    return sasl_finish(outcome.status,
                       outcome.status == AuthStatus::ok ? outcome.user : std::string(authcid),
                       outcome.reason);
  }

 private:
  SaslContext ctx_;
  bool asked_ = false;
};

// LOGIN: "Username:" then "Password:" challenges (both are conventional, not standard).
class LoginMechanism : public SaslMechanism {
 public:
  explicit LoginMechanism(SaslContext c) : ctx_(std::move(c)) {}
  SaslStep step(std::optional<std::string_view> response) override {
    if (stage_ == 0) {
      stage_ = 1;
      if (!response) return {SaslStep::Kind::challenge, "Username:", {}, AuthStatus::ok, {}, {}};
    }
    if (!response) return sasl_malformed("LOGIN expects a response");
    if (stage_ == 1) {
      if (response->empty()) return sasl_malformed("LOGIN user name is empty");
      user_ = std::string(*response);
      stage_ = 2;
      return {SaslStep::Kind::challenge, "Password:", {}, AuthStatus::ok, {}, {}};
    }
    auto outcome = ctx_.auth->verify_password(user_, *response);
    return sasl_finish(outcome.status, outcome.status == AuthStatus::ok ? outcome.user : user_,
                       outcome.reason);
  }

 private:
  SaslContext ctx_;
  int stage_ = 0;
  std::string user_;
};

// CRAM-MD5: challenge "<hex@host>", response "user SP hex(HMAC-MD5(secret, challenge))".
class CramMd5Mechanism : public SaslMechanism {
 public:
  explicit CramMd5Mechanism(SaslContext c) : ctx_(std::move(c)) {}
  SaslStep step(std::optional<std::string_view> response) override {
    if (challenge_.empty()) {
      if (response) return sasl_malformed("CRAM-MD5 takes no initial response");
      challenge_ = "<" + to_hex(ctx_.random(12)) + "@" + ctx_.hostname + ">";
      return {SaslStep::Kind::challenge, challenge_, {}, AuthStatus::ok, {}, {}};
    }
    if (!response) return sasl_malformed("CRAM-MD5 expects a response");
    const std::size_t sp = response->rfind(' ');
    if (sp == std::string_view::npos || sp == 0 || response->size() - sp - 1 != 32) {
      return sasl_malformed("malformed CRAM-MD5 response");
    }
    const std::string user(response->substr(0, sp));
    std::string digest(response->substr(sp + 1));
    digest = ascii_lower(digest);  // hex digits: only A-F change
    auto found = ctx_.auth->lookup_secret(user);
    if (found.status == AuthStatus::temporary) return sasl_finish(found.status, user, found.reason);
    const bool known = found.status == AuthStatus::ok || found.status == AuthStatus::disabled;
    const std::string want = to_hex(hmac("MD5", found.secret, challenge_));
    if (!known || !same_secret(want, digest)) {
      return sasl_finish(AuthStatus::bad_credentials, user,
                         known ? "CRAM-MD5 digest mismatch" : found.reason);
    }
    return sasl_finish(found.status, found.status == AuthStatus::ok ? found.user : user,
                       found.reason);
  }

 private:
  SaslContext ctx_;
  std::string challenge_;
};

}  // namespace

const char* to_string(AuthStatus status) {
  switch (status) {
    case AuthStatus::ok:
      return "ok";
    case AuthStatus::bad_credentials:
      return "bad credentials";
    case AuthStatus::locked:
      return "mailbox locked";
    case AuthStatus::disabled:
      return "account disabled";
    case AuthStatus::temporary:
      return "temporary failure";
  }
  return "?";
}

RandomSource openssl_random() {
  return [](std::size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
      throw std::runtime_error("OpenSSL RAND_bytes failed");
    }
    return out;
  };
}

std::string hmac(const char* md, std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const EVP_MD* type = EVP_get_digestbyname(md);
  if (type == nullptr || HMAC(type, key.data(), static_cast<int>(key.size()),
                              reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
                              &len) == nullptr) {
    throw std::runtime_error("OpenSSL HMAC failed");
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

SaslStep sasl_finish(AuthStatus status, std::string user, std::string reason) {
  SaslStep s;
  s.kind = status == AuthStatus::ok ? SaslStep::Kind::success : SaslStep::Kind::failure;
  s.status = status;
  s.user = std::move(user);
  s.reason = std::move(reason);
  return s;
}

SaslStep sasl_malformed(std::string text) {
  SaslStep s;
  s.kind = SaslStep::Kind::failure;
  s.reason = text;
  s.protocol_error = std::move(text);
  return s;
}

const std::vector<std::string>& supported_sasl_mechanisms() {
  static const std::vector<std::string> kAll = {"SCRAM-SHA-256", "CRAM-MD5", "PLAIN", "LOGIN"};
  return kAll;
}

bool sasl_is_cleartext(std::string_view mechanism) {
  const std::string m = ascii_upper(mechanism);
  return m == "PLAIN" || m == "LOGIN";
}

std::unique_ptr<SaslMechanism> make_sasl_mechanism(std::string_view mechanism,
                                                   SaslContext context) {
  const std::string m = ascii_upper(mechanism);
  if (m == "PLAIN") return std::make_unique<PlainMechanism>(std::move(context));
  if (m == "LOGIN") return std::make_unique<LoginMechanism>(std::move(context));
  if (m == "CRAM-MD5") return std::make_unique<CramMd5Mechanism>(std::move(context));
  if (m == "SCRAM-SHA-256") return make_scram_sha256(std::move(context));
  return nullptr;
}

}  // namespace psyncd::pop3
