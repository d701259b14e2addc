#include "pop3/apop.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

#include "common/hex.hpp"
#include "pop3/reply.hpp"

namespace psyncd::pop3 {

Result<std::string> apop_timestamp(std::string_view greeting) {
  const std::size_t open = greeting.find('<');
  if (open == std::string_view::npos) {
    return make_error(ErrorKind::protocol, "greeting has no APOP timestamp");
  }
  const std::size_t close = greeting.find('>', open);
  if (close == std::string_view::npos) {
    return make_error(ErrorKind::protocol, "APOP timestamp has no closing '>'");
  }
  const std::string_view stamp = greeting.substr(open, close - open + 1);
  if (stamp.size() == 2) return make_error(ErrorKind::protocol, "APOP timestamp is empty");
  if (stamp.size() > kMaxApopTimestamp) {
    return make_error(ErrorKind::protocol, "APOP timestamp is longer than 256 bytes");
  }
  for (char ch : stamp.substr(1, stamp.size() - 2)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= ' ' || c >= 0x7f || c == '<') {
      return make_error(ErrorKind::protocol,
                        "APOP timestamp holds an invalid byte: " + quote_for_log(stamp));
    }
  }
  return std::string(stamp);
}

std::string apop_digest(std::string_view timestamp, std::string_view secret) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // These calls fail only when OpenSSL itself is broken (out of memory): that is a bug here.
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), timestamp.data(), timestamp.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), secret.data(), secret.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), md, &len) != 1) {
    throw std::runtime_error("OpenSSL MD5 failed");
  }
  return to_hex(std::string_view(reinterpret_cast<const char*>(md), len));
}

}  // namespace psyncd::pop3
