// TlsContext: the OpenSSL server context shared by POP3S and STLS, from MAIL_ROOT/server.cert
// and server.key (PEM). The policy (server.tab Pop3TLSCiphers, Pop3TLSMinVersion) defaults to
// TLS 1.2 or later with forward-secret AEAD suites only (ECDHE with AES-GCM or ChaCha20-Poly1305;
// TLS 1.3's suites are all of that kind) in the server's order of preference, as Dovecot and
// Mozilla's "intermediate" profile do: no static-RSA key exchange, no CBC. Buffers are released
// while idle so thousands of open TLS sessions stay small. It does no handshakes
// (connection.hpp drives them).
#pragma once

#include <memory>
#include <string>

#include "common/result.hpp"

typedef struct ssl_ctx_st SSL_CTX;

namespace psyncd::pop3d {

struct TlsPolicy {
  static constexpr const char* kDefaultCiphers = "ECDHE+AESGCM:ECDHE+CHACHA20";
  std::string ciphers = kDefaultCiphers;  // OpenSSL cipher list for TLS 1.2
  std::string min_version = "TLSv1.2";    // or "TLSv1.3"
  std::string source;                     // where the policy came from (server.tab), for errors
};

class TlsContext {
 public:
  static Result<TlsContext> load(const std::string& cert_path, const std::string& key_path,
                                 const TlsPolicy& policy = {});
  SSL_CTX* get() const { return ctx_.get(); }

 private:
  struct Free {
    void operator()(SSL_CTX* ctx) const;
  };
  std::unique_ptr<SSL_CTX, Free> ctx_;
};

}  // namespace psyncd::pop3d
