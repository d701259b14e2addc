// Lexer for RFC 5322 structured header values: turns a value into atoms, quoted strings,
// domain literals and specials, dropping whitespace and (nested) comments. Internal to the
// address parser. It records what it skipped (unclosed quotes or comments, control bytes)
// as problems; 8-bit bytes are kept inside atoms and flagged, the parser decides.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::mail {

enum class TokenKind { atom, quoted, literal, special };

struct Token {
  TokenKind kind = TokenKind::atom;
  std::string text;           // atom text, quoted content (unescaped), literal with brackets,
                              // or the one special character
  std::size_t pos = 0;        // 0-based offset of the token in the value
  bool space_before = false;  // whitespace or a comment came before it
  bool raw = false;           // holds 8-bit or control bytes: never part of an address

  bool is(char special) const { return kind == TokenKind::special && text[0] == special; }
  bool is_word() const { return kind == TokenKind::atom || kind == TokenKind::quoted; }
};

// Appends problems ("unclosed comment at byte 7") to `problems`.
std::vector<Token> lex_structured(std::string_view value, std::vector<Error>& problems);

// Appends an Error of kind protocol with text only. At most kMaxValueProblems are kept per
// value, then one "more problems" line: hostile headers must not grow the list unbounded.
inline constexpr std::size_t kMaxValueProblems = 20;
void note_problem(std::vector<Error>& problems, std::string text);

}  // namespace psyncd::mail
