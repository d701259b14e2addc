#include "spool/wild_match.hpp"

#include <optional>
#include <string>

#include "common/ascii.hpp"

namespace psyncd::spool {

namespace {

// One pattern element at `p` against the character `c`: a literal (maybe '\'-escaped), '?'
// or a "[set]". Sets `next` to the element's end. nullopt: the pattern is malformed there.
std::optional<bool> match_one(std::string_view pat, size_t p, char c, size_t& next) {
  if (pat[p] == '?') {
    next = p + 1;
    return true;
  }
  if (pat[p] == '\\') {
    if (p + 1 >= pat.size()) return std::nullopt;
    next = p + 2;
    return pat[p + 1] == c;
  }
  if (pat[p] != '[') {
    next = p + 1;
    return pat[p] == c;
  }
  // XMail's set: "[^...]" inverts, "a-z" is a range from the previous character.
  size_t i = p + 1;
  bool invert = i < pat.size() && pat[i] == '^';
  if (invert) ++i;
  bool matched = false;
  int prev = 256;  // none yet
  for (; i < pat.size() && pat[i] != ']'; ++i) {
    char ch = pat[i];
    if (ch == '\\') {
      if (++i >= pat.size()) return std::nullopt;
      ch = pat[i];
    } else if (ch == '-') {
      if (++i >= pat.size()) return std::nullopt;
      if (pat[i] == '\\' && ++i >= pat.size()) return std::nullopt;
      matched = matched || (c <= pat[i] && static_cast<unsigned char>(c) >= prev);
      prev = static_cast<unsigned char>(pat[i]);
      continue;
    }
    matched = matched || c == ch;
    prev = static_cast<unsigned char>(ch);
  }
  if (prev == 256 || i >= pat.size()) return std::nullopt;
  next = i + 1;
  return matched != invert;
}

}  // namespace

bool has_wildcard(std::string_view text) {
  return text.find_first_of("*?") != std::string_view::npos;
}

bool wildcard_match(std::string_view pattern_in, std::string_view text_in) {
  std::string pattern = ascii_lower(pattern_in);
  std::string text = ascii_lower(text_in);
  // Iterative with one backtrack point (the last '*'): the same answers as XMail's recursion,
  // without its exponential worst case on text taken from mail.
  size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    size_t next = 0;
    std::optional<bool> one;
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
      continue;
    }
    if (p < pattern.size()) {
      one = match_one(pattern, p, text[t], next);
      if (!one) return false;
    }
    if (one && *one) {
      p = next;
      ++t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace psyncd::spool
