#include "pop3d/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace psyncd::pop3d {

namespace {

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

// The policy's protocol floor and TLS 1.2 suites; server order wins over the client's.
Result<void> apply_policy(SSL_CTX* ctx, const TlsPolicy& policy) {
  int floor = 0;
  if (policy.min_version == "TLSv1.2") {
    floor = TLS1_2_VERSION;
  } else if (policy.min_version == "TLSv1.3") {
    floor = TLS1_3_VERSION;
  } else {
    return Error{ErrorKind::config, policy.source, 0, "Pop3TLSMinVersion",
                 "want TLSv1.2 or TLSv1.3, got \"" + policy.min_version + "\""};
  }
  SSL_CTX_set_min_proto_version(ctx, floor);
  if (SSL_CTX_set_cipher_list(ctx, policy.ciphers.c_str()) != 1) {
    ERR_clear_error();
    return Error{ErrorKind::config, policy.source, 0, "Pop3TLSCiphers",
                 "no cipher OpenSSL knows in \"" + policy.ciphers + "\""};
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  return {};
}

}  // namespace

void TlsContext::Free::operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }

Result<TlsContext> TlsContext::load(const std::string& cert_path, const std::string& key_path,
                                    const TlsPolicy& policy) {
  TlsContext t;
  t.ctx_.reset(SSL_CTX_new(TLS_server_method()));
  if (!t.ctx_) return make_error(ErrorKind::internal, "SSL_CTX_new: " + openssl_error());
  SSL_CTX* ctx = t.ctx_.get();
  if (auto r = apply_policy(ctx, policy); !r) return r.error();
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_path.c_str()) != 1) {
    return Error{
        ErrorKind::config, cert_path, 0, {}, "cannot load certificate: " + openssl_error()};
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key_path.c_str(), SSL_FILETYPE_PEM) != 1) {
    return Error{ErrorKind::config, key_path, 0, {}, "cannot load private key: " + openssl_error()};
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return Error{ErrorKind::config, key_path, 0, {}, "key does not match server.cert"};
  }
  return t;
}

}  // namespace psyncd::pop3d
