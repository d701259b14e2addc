// TlsContext: the OpenSSL server context shared by POP3S and STLS, from MAIL_ROOT/server.cert
// and server.key (PEM, B §7.5). TLS 1.2 or later; buffers released while idle so thousands of
// open TLS sessions stay small. It does no handshakes (connection.hpp drives them).
#pragma once

#include <memory>
#include <string>

#include "common/result.hpp"

typedef struct ssl_ctx_st SSL_CTX;

namespace psyncd::pop3d {

class TlsContext {
 public:
  static Result<TlsContext> load(const std::string& cert_path, const std::string& key_path);
  SSL_CTX* get() const { return ctx_.get(); }

 private:
  struct Free {
    void operator()(SSL_CTX* ctx) const;
  };
  std::unique_ptr<SSL_CTX, Free> ctx_;
};

}  // namespace psyncd::pop3d
