// Small character helpers shared by the header reader, the address parser and the rewriter:
// RFC 5322 character classes, ASCII case folding and a safe excerpt for messages.
// ASCII only on purpose: header names and addresses are compared byte-wise after folding
// A-Z; no locale, no Unicode case rules.
#pragma once

#include <string>
#include <string_view>

namespace psyncd::psync {

// RFC 5322 §3.2.3 atext: letters, digits and ! # $ % & ' * + - / = ? ^ _ ` { | } ~
bool is_atext(char c);
// True for bytes with the high bit set (not ASCII).
inline bool is_eight_bit(char c) { return static_cast<unsigned char>(c) >= 0x80; }
// Control bytes other than HT, CR and LF, and DEL.
bool is_control(char c);

char ascii_lower(char c);
std::string ascii_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

// `s` (at most `max` bytes of it) in double quotes, with " \ and non-printable bytes escaped
// (\xNN) and "..." when cut: safe to put in a log line.
std::string quote_excerpt(std::string_view s, std::size_t max = 40);

}  // namespace psyncd::psync
