// ASCII character helpers: case folding and case-insensitive comparison, for
// protocol keywords, XMail table keys, header names and domain names. ASCII only on purpose:
// A-Z and a-z are folded, every other byte (UTF-8 included) is compared as it is. No locale:
// std::tolower depends on the process locale, these never do.
#pragma once

#include <string>
#include <string_view>

namespace psyncd {

constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr char ascii_upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string ascii_lower(std::string_view text);
std::string ascii_upper(std::string_view text);

// Equal when folded to one case: iequals("XMailUser", "xmailuser").
bool iequals(std::string_view a, std::string_view b);
// `text` starts with `prefix`, case-insensitively.
bool istarts_with(std::string_view text, std::string_view prefix);

}  // namespace psyncd
