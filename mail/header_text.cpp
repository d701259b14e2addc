#include "mail/header_text.hpp"

#include <fmt/format.h>

#include <cstring>

namespace psyncd::mail {

bool is_atext(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return c != '\0' && std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

bool is_control(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t' && c != '\r' && c != '\n') || u == 0x7f;
}

std::string quote_excerpt(std::string_view s, std::size_t max) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < max; ++i) {
    auto u = static_cast<unsigned char>(s[i]);
    if (s[i] == '"' || s[i] == '\\') {
      out += '\\';
      out += s[i];
    } else if (u < 0x20 || u >= 0x7f) {
      out += fmt::format("\\x{:02X}", u);
    } else {
      out += s[i];
    }
  }
  if (s.size() > max) out += "...";
  out += '"';
  return out;
}

}  // namespace psyncd::mail
