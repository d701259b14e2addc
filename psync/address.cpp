#include "psync/address.hpp"

#include "psync/header_text.hpp"

namespace psyncd::psync {

namespace {

bool is_atext_or_dot(char c) { return c == '.' || is_atext(c); }

// A domain literal "[...]" starting at `at`; returns its length, 0 when there is none.
std::size_t literal_length(std::string_view text, std::size_t at) {
  if (at >= text.size() || text[at] != '[') return 0;
  for (std::size_t k = at + 1; k < text.size(); ++k) {
    char c = text[k];
    if (c == ']') return k - at + 1;
    if (c == '[' || c == '\\' || is_eight_bit(c) || static_cast<unsigned char>(c) <= ' ') return 0;
  }
  return 0;
}

}  // namespace

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

std::vector<Mailbox> scan_addresses(std::string_view text) {
  std::vector<Mailbox> out;
  std::size_t from = 0;
  while (true) {
    std::size_t at = text.find('@', from);
    if (at == std::string_view::npos) break;
    std::size_t left = at;
    while (left > 0 && is_atext_or_dot(text[left - 1])) --left;
    std::size_t right = at + 1;
    std::size_t lit = literal_length(text, right);
    if (lit > 0) {
      right += lit;
    } else {
      while (right < text.size() && is_atext_or_dot(text[right])) ++right;
    }
    std::string_view local = text.substr(left, at - left);
    std::string_view domain = text.substr(at + 1, right - at - 1);
    if (is_dot_atom(local) && (lit > 0 || is_dot_atom(domain))) {
      out.push_back(Mailbox{{}, std::string(local), std::string(domain)});
    }
    from = at + 1;
  }
  return out;
}

}  // namespace psyncd::psync
