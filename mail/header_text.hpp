// Small character helpers shared by the header reader, the address parser and the rewriter:
// RFC 5322 character classes and a safe excerpt for messages. Header names and addresses are
// compared with the ASCII case folding of common/ascii.hpp (no locale, no Unicode case rules).
#pragma once

#include <string>
#include <string_view>

namespace psyncd::mail {

// RFC 5322 §3.2.3 atext: letters, digits and ! # $ % & ' * + - / = ? ^ _ ` { | } ~
bool is_atext(char c);
// True for bytes with the high bit set (not ASCII).
inline bool is_eight_bit(char c) { return static_cast<unsigned char>(c) >= 0x80; }
// Control bytes other than HT, CR and LF, and DEL.
bool is_control(char c);

// `s` (at most `max` bytes of it) in double quotes, with " \ and non-printable bytes escaped
// (\xNN) and "..." when cut: safe to put in a log line.
std::string quote_excerpt(std::string_view s, std::size_t max = 40);

}  // namespace psyncd::mail
