#include "mail/address.hpp"

#include "mail/header_text.hpp"

namespace psyncd::mail {

bool is_dot_atom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t k = 0; k < s.size(); ++k) {
    if (s[k] == '.' ? s[k + 1] == '.' : !is_atext(s[k])) return false;
  }
  return true;
}

std::string Mailbox::address() const {
  if (is_dot_atom(local)) return local + "@" + domain;
  std::string q = "\"";
  for (char c : local) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"@" + domain;
}

}  // namespace psyncd::mail
