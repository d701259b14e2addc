// RFC 5322 address-list parser over the tokens of address_lexer. Tolerant by design: every
// problem is noted and skipped, and parsing always moves forward, so one bad address never
// hides the next one.
#include <fmt/format.h>

#include "mail/address.hpp"
#include "mail/address_lexer.hpp"
#include "mail/header_text.hpp"

namespace psyncd::mail {

namespace {

class Parser {
 public:
  explicit Parser(std::string_view value) { toks_ = lex_structured(value, out_.problems); }

  AddressList run() {
    while (!at_end()) {
      if (is(',')) {
        ++i_;
      } else if (is(';')) {
        problem(fmt::format("';' outside a group at byte {} (skipped)", pos()));
        ++i_;
      } else {
        address(false);
        check_separator();
      }
    }
    return std::move(out_);
  }

 private:
  bool at_end() const { return i_ >= toks_.size(); }
  bool is(char c) const { return !at_end() && toks_[i_].is(c); }
  bool at_word() const { return !at_end() && toks_[i_].is_word(); }
  std::size_t pos() const { return at_end() ? 0 : toks_[i_].pos + 1; }
  void problem(std::string text) { note_problem(out_.problems, std::move(text)); }

  // One address: a mailbox or (outside a group) a group. Always consumes a token.
  void address(bool in_group) {
    std::size_t start = i_;
    while (at_word() || is('.')) ++i_;
    if (is('<')) return angle_addr(phrase(start, i_));
    if (is('@')) return bare_addr_spec(start);
    if (is(':') && !in_group) return group(phrase(start, i_));
    if (i_ > start) {
      problem(fmt::format("no '@' in address {} at byte {} (skipped)",
                          quote_excerpt(join(start, i_)), toks_[start].pos + 1));
      return;
    }
    problem(fmt::format("unexpected '{}' at byte {} (skipped)", toks_[i_].text, pos()));
    ++i_;
  }

  // After an address comes ',' (or ';' in a group, or the end). Anything else starts a new
  // address: tolerated (obs- lists are sloppy) but noted.
  void check_separator() {
    if (at_end() || is(',') || is(';')) return;
    problem(fmt::format("missing ',' before byte {}", pos()));
  }

  void group(const std::string& name) {
    ++i_;  // ':'
    while (!at_end()) {
      if (is(';')) {
        ++i_;
        return;
      }
      if (is(',')) {
        ++i_;
        continue;
      }
      address(true);
      check_separator();
    }
    problem(fmt::format("group {} not closed by ';'", quote_excerpt(name)));
  }

  void angle_addr(std::string display) {
    std::size_t open = toks_[i_++].pos + 1;  // '<'
    if (is('>')) {
      ++i_;
      problem(fmt::format("empty address <> at byte {} (skipped)", open));
      return;
    }
    skip_route();
    std::size_t start = i_;
    while (at_word() || is('.')) ++i_;
    if (is('@')) {
      add_mailbox(std::move(display), start);
    } else {
      problem(fmt::format("no '@' in <...> at byte {} (skipped)", open));
    }
    close_angle(open);
  }

  // obs-route: "<@a,@b:user@c>" — the route is ignored (RFC 5322 §4.4).
  // Forward scans here and in close_angle stop at the next '<', so "<<<<..." stays linear.
  void skip_route() {
    if (!is('@') && !is(',')) return;
    std::size_t k = i_;
    while (k < toks_.size() && !toks_[k].is(':') && !toks_[k].is('>') && !toks_[k].is('<')) ++k;
    if (k < toks_.size() && toks_[k].is(':')) i_ = k + 1;
  }

  void close_angle(std::size_t open) {
    if (is('>')) {
      ++i_;
      return;
    }
    std::size_t k = i_;
    while (k < toks_.size() && !toks_[k].is('>') && !toks_[k].is(',') && !toks_[k].is('<')) ++k;
    if (k < toks_.size() && toks_[k].is('>')) {
      problem(fmt::format("unexpected text in <...> at byte {} (skipped)", pos()));
      i_ = k + 1;
    } else {
      problem(fmt::format("'<' at byte {} not closed by '>'", open));
    }
  }

  // "local@domain" with no angle brackets. Words before the local part (no dot joining them)
  // are not part of it: "john smith@x" gives smith@x and a problem, as XMail's scan would.
  void bare_addr_spec(std::size_t start) {
    std::size_t local = i_;
    while (local > start && !(local < i_ && toks_[local - 1].is_word() && toks_[local].is_word())) {
      --local;
    }
    if (local > start) {
      problem(fmt::format("text {} before address at byte {} ignored",
                          quote_excerpt(join(start, local)), toks_[start].pos + 1));
    }
    add_mailbox({}, local);
  }

  // Tokens [start, i_) are the local part, toks_[i_] is '@'. Reads the domain, then keeps
  // the mailbox if both halves are sound.
  void add_mailbox(std::string display, std::size_t start) {
    std::size_t at_tok = i_;
    std::size_t at = toks_[at_tok].pos + 1;
    std::string local = local_part(start, at_tok);
    ++i_;  // '@'
    bool raw = false;
    for (std::size_t k = start; k < at_tok; ++k) raw = raw || toks_[k].raw;
    std::string domain = domain_part(raw);
    if (raw) {
      problem(fmt::format("8-bit or control bytes in address at byte {} (skipped)", at));
    } else if (local.empty() || !local_ok(start, at_tok)) {
      problem(fmt::format("bad local part before '@' at byte {} (skipped)", at));
    } else if (domain.empty()) {
      problem(fmt::format("bad domain after '@' at byte {} (skipped)", at));
    } else {
      out_.mailboxes.push_back(Mailbox{std::move(display), std::move(local), std::move(domain)});
    }
  }

  std::string local_part(std::size_t start, std::size_t end) const {
    std::string s;
    for (std::size_t k = start; k < end; ++k) s += toks_[k].text;
    return s;
  }

  // word *("." word): no leading, trailing or doubled dot, no two words side by side.
  bool local_ok(std::size_t start, std::size_t end) const {
    for (std::size_t k = start; k < end; ++k) {
      bool want_word = (k - start) % 2 == 0;
      if (want_word != toks_[k].is_word()) return false;
      if (!want_word && !toks_[k].is('.')) return false;
    }
    return (end - start) % 2 == 1;
  }

  // dot-atom (obs: CFWS around the dots) or a domain literal; "" when bad. Consumes what it
  // looked at, so the caller moves on either way.
  std::string domain_part(bool& raw) {
    if (!at_end() && toks_[i_].kind == TokenKind::literal) {
      raw = raw || toks_[i_].raw;
      return toks_[i_++].text;
    }
    std::string d;
    bool want_atom = true;
    bool bad = false;
    for (; !at_end(); ++i_) {
      const Token& t = toks_[i_];
      if (t.kind == TokenKind::atom) {
        if (!want_atom) break;  // "a@b c@d": the next address starts here
        want_atom = false;
      } else if (t.is('.')) {
        bad = bad || want_atom;  // leading or doubled dot
        want_atom = true;
      } else {
        break;
      }
      raw = raw || t.raw;
      d += t.text;
    }
    if (bad || want_atom) return {};  // empty, or ends with a dot
    return d;
  }

  // The display name: words joined by one space where the source had space; quoted strings
  // unquoted; encoded words untouched.
  std::string phrase(std::size_t start, std::size_t end) {
    for (std::size_t k = start; k < end; ++k) {
      if (toks_[k].raw) {
        problem(
            fmt::format("8-bit bytes in display name at byte {} (kept as is)", toks_[k].pos + 1));
        break;
      }
    }
    return join(start, end);
  }

  std::string join(std::size_t start, std::size_t end) const {
    std::string s;
    for (std::size_t k = start; k < end; ++k) {
      if (!s.empty() && toks_[k].space_before) s += ' ';
      s += toks_[k].text;
    }
    return s;
  }

  std::vector<Token> toks_;
  std::size_t i_ = 0;
  AddressList out_;
};

}  // namespace

AddressList parse_address_list(std::string_view value) { return Parser(value).run(); }

}  // namespace psyncd::mail
