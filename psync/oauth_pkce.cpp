#include "psync/oauth_pkce.hpp"

#include <openssl/sha.h>

#include <array>

#include "pop3/base64.hpp"

namespace psyncd::psync {

std::string base64url(std::string_view bytes) {
  std::string out = pop3::base64_encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::string pkce_verifier(std::string_view random) { return base64url(random); }

std::string pkce_challenge_s256(std::string_view verifier) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest.data());
  return base64url(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

}  // namespace psyncd::psync
