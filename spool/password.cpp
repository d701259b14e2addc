#include "spool/password.hpp"

#include "common/hex.hpp"

namespace psyncd::spool {

namespace {

constexpr unsigned char kKey = 0x65;  // XMail's fixed XOR byte (decimal 101)

// A field that does not decode is most often a password written in clear.
Error password_error(std::string text) {
  return Error{ErrorKind::config,
               {},
               0,
               "password",
               std::move(text) + "; a plain password? encode it with xmcrypt"};
}

}  // namespace

std::string encode_password(std::string_view plain) {
  std::string xored(plain);
  for (char& c : xored) c = static_cast<char>(static_cast<unsigned char>(c) ^ kKey);
  return to_hex(xored);
}

Result<std::string> decode_password(std::string_view encoded) {
  if (encoded.size() % 2 != 0) {
    return password_error("odd number of hex digits (" + std::to_string(encoded.size()) + ")");
  }
  std::string out;
  out.reserve(encoded.size() / 2);
  for (size_t i = 0; i < encoded.size(); i += 2) {
    const int pair = hex_pair(encoded[i], encoded[i + 1]);
    // Stricter than XMail's sscanf("%x"), which also takes " 1" or "1g": a pair is two hex
    // digits. The text does not echo the pair, since it is part of the password.
    if (pair < 0) return password_error("bad hex pair at offset " + std::to_string(i));
    auto b = static_cast<unsigned char>(pair ^ kKey);
    if (b == 0) break;  // XMail builds a C string: a NUL ends the password
    out += static_cast<char>(b);
  }
  return out;
}

}  // namespace psyncd::spool
