#include "spool/password.hpp"

namespace psyncd::spool {

namespace {

constexpr unsigned char kKey = 0x65;  // XMail's fixed XOR byte (decimal 101)

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Error password_error(std::string text) {
  return Error{ErrorKind::config, {}, 0, "password", std::move(text)};
}

}  // namespace

std::string encode_password(std::string_view plain) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(plain.size() * 2);
  for (char c : plain) {
    auto b = static_cast<unsigned char>(static_cast<unsigned char>(c) ^ kKey);
    out += kDigits[b >> 4];
    out += kDigits[b & 0x0f];
  }
  return out;
}

Result<std::string> decode_password(std::string_view encoded) {
  if (encoded.size() % 2 != 0) {
    return password_error("odd number of hex digits (" + std::to_string(encoded.size()) + ")");
  }
  std::string out;
  out.reserve(encoded.size() / 2);
  for (size_t i = 0; i < encoded.size(); i += 2) {
    int hi = hex_value(encoded[i]);
    int lo = hex_value(encoded[i + 1]);
    // Stricter than XMail's sscanf("%x"), which also takes " 1" or "1g": a pair is two hex
    // digits. The text does not echo the pair, since it is part of the password.
    if (hi < 0 || lo < 0) {
      return password_error("bad hex pair at offset " + std::to_string(i));
    }
    auto b = static_cast<unsigned char>((hi << 4 | lo) ^ kKey);
    if (b == 0) break;  // XMail builds a C string: a NUL ends the password
    out += static_cast<char>(b);
  }
  return out;
}

}  // namespace psyncd::spool
