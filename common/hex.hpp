// Hexadecimal digits: reading one (APOP and CRAM-MD5 digests, certificate pins, XMail's
// hex-encoded passwords, the delivery journal's %XX escapes) and writing bytes as lower-case
// hex (digests, XMail password encoding). ASCII only, no locale.
#pragma once

#include <string>
#include <string_view>

namespace psyncd {

// 0-15 for 0-9, a-f, A-F; -1 for any other byte.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
constexpr bool is_hex_digit(char c) { return hex_value(c) >= 0; }

// The byte written by the two hex digits `hi` `lo`; -1 when either is not a hex digit.
constexpr int hex_pair(char hi, char lo) {
  const int h = hex_value(hi), l = hex_value(lo);
  return h < 0 || l < 0 ? -1 : h * 16 + l;
}

// Two lower-case hex digits per byte: "\x01\xAB" -> "01ab".
std::string to_hex(std::string_view bytes);

}  // namespace psyncd
