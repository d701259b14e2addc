#include "mail/address_lexer.hpp"

#include <fmt/format.h>

#include <cstring>

#include "mail/header_text.hpp"

namespace psyncd::mail {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// RFC 5322 specials that stand alone as tokens. '.' is one too: dots are structure in
// dot-atoms and obs-phrases.
bool is_special(char c) { return c != '\0' && std::strchr("<>@,;:.", c) != nullptr; }

class Lexer {
 public:
  Lexer(std::string_view v, std::vector<Error>& problems) : v_(v), problems_(problems) {}

  std::vector<Token> run() {
    while (i_ < v_.size()) step();
    return std::move(out_);
  }

 private:
  void step() {
    char c = v_[i_];
    if (is_space(c)) {
      space_ = true;
      ++i_;
    } else if (c == '(') {
      skip_comment();
    } else if (c == '"') {
      quoted();
    } else if (c == '[') {
      literal();
    } else if (is_special(c)) {
      push(TokenKind::special, std::string(1, c), i_, false);
      ++i_;
    } else if (is_atext(c) || is_eight_bit(c)) {
      atom();
    } else {
      skipped(c);
    }
  }

  void push(TokenKind kind, std::string text, std::size_t pos, bool raw) {
    out_.push_back(Token{kind, std::move(text), pos, space_, raw});
    space_ = false;
  }

  void problem(std::string text) { note_problem(problems_, std::move(text)); }

  void skipped(char c) {
    if (c == ')') {
      problem(fmt::format("unmatched ')' at byte {} (skipped)", i_ + 1));
    } else {
      problem(fmt::format("unexpected byte {} at byte {} (skipped)",
                          quote_excerpt(std::string_view(&v_[i_], 1)), i_ + 1));
    }
    space_ = true;  // a skipped byte separates what is around it
    ++i_;
  }

  void atom() {
    std::size_t start = i_;
    bool raw = false;
    while (i_ < v_.size() && (is_atext(v_[i_]) || is_eight_bit(v_[i_]))) {
      raw = raw || is_eight_bit(v_[i_]);
      ++i_;
    }
    push(TokenKind::atom, std::string(v_.substr(start, i_ - start)), start, raw);
  }

  // Comments nest (RFC 5322 §3.2.2); a backslash quotes the next byte.
  void skip_comment() {
    std::size_t start = i_;
    int depth = 0;
    for (; i_ < v_.size(); ++i_) {
      char c = v_[i_];
      if (c == '\\') {
        ++i_;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')' && --depth == 0) {
        ++i_;
        space_ = true;
        return;
      }
    }
    problem(fmt::format("unclosed comment at byte {} (rest of the value ignored)", start + 1));
  }

  void quoted() {
    std::size_t start = i_++;
    std::string text;
    bool raw = false;
    for (; i_ < v_.size(); ++i_) {
      char c = v_[i_];
      if (c == '"') {
        ++i_;
        push(TokenKind::quoted, std::move(text), start, raw);
        return;
      }
      if (c == '\\' && i_ + 1 < v_.size()) c = v_[++i_];
      if (c == '\r' || c == '\n') continue;  // a fold inside the quotes
      raw = raw || is_eight_bit(c) || is_control(c);
      text += c;
    }
    problem(fmt::format("unclosed quoted string at byte {}", start + 1));
    push(TokenKind::quoted, std::move(text), start, raw);
  }

  void literal() {
    std::size_t start = i_;
    std::size_t close = v_.find(']', i_);
    if (close == std::string_view::npos) {
      problem(fmt::format("unclosed domain literal at byte {} (skipped)", start + 1));
      i_ = v_.size();
      return;
    }
    std::string text;
    bool raw = false;
    for (std::size_t k = i_; k <= close; ++k) {
      if (is_space(v_[k])) continue;  // FWS is allowed inside the brackets
      raw = raw || is_eight_bit(v_[k]) || is_control(v_[k]) || v_[k] == '\\' ||
            (v_[k] == '[' && k != i_);
      text += v_[k];
    }
    i_ = close + 1;
    push(TokenKind::literal, std::move(text), start, raw);
  }

  std::string_view v_;
  std::vector<Error>& problems_;
  std::vector<Token> out_;
  std::size_t i_ = 0;
  bool space_ = false;
};

}  // namespace

void note_problem(std::vector<Error>& problems, std::string text) {
  if (problems.size() > kMaxValueProblems) return;
  if (problems.size() == kMaxValueProblems) text = "more problems in this value (not listed)";
  problems.push_back(Error{ErrorKind::protocol, {}, 0, {}, std::move(text)});
}

std::vector<Token> lex_structured(std::string_view value, std::vector<Error>& problems) {
  return Lexer(value, problems).run();
}

}  // namespace psyncd::mail
