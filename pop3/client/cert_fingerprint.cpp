#include "pop3/client/cert_fingerprint.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/hex.hpp"

namespace psyncd::pop3 {

std::optional<std::string> certificate_sha256(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return std::nullopt;
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) {
    ERR_clear_error();  // libcurl reads this thread's error queue for its own messages
    return std::nullopt;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const bool ok = X509_digest(cert, EVP_sha256(), digest, &len) == 1;  // over the DER form
  X509_free(cert);
  if (!ok) return std::nullopt;
  return to_hex(std::string_view(reinterpret_cast<const char*>(digest), len));
}

}  // namespace psyncd::pop3
