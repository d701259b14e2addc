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

}  // namespace

void TlsContext::Free::operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }

Result<TlsContext> TlsContext::load(const std::string& cert_path, const std::string& key_path) {
  TlsContext t;
  t.ctx_.reset(SSL_CTX_new(TLS_server_method()));
  if (!t.ctx_) return make_error(ErrorKind::internal, "SSL_CTX_new: " + openssl_error());
  SSL_CTX* ctx = t.ctx_.get();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                            SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
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
