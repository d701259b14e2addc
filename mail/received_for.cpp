#include "mail/received_for.hpp"

#include "common/ascii.hpp"
#include "mail/address_lexer.hpp"

namespace psyncd::mail {

namespace {

// The keyword as a word of its own: "envelope-for" or "<for@x>" are not clauses.
bool is_for_keyword(const std::vector<Token>& tokens, std::size_t k) {
  const Token& t = tokens[k];
  if (t.kind != TokenKind::atom || !iequals(t.text, "for")) return false;
  return k == 0 || t.space_before || tokens[k - 1].is(';');
}

// Where the address after "for" at `k` ends in `value`: after the '>' of a path, or before
// the first space, comment, ';' or ',' that follows a bare mailbox. npos when there is none.
std::size_t clause_end(std::string_view value, const std::vector<Token>& tokens, std::size_t k) {
  const Token& first = tokens[k + 1];
  if (first.is('<')) {
    for (std::size_t j = k + 2; j < tokens.size(); ++j)
      if (tokens[j].is('>')) return tokens[j].pos + 1;
    return std::string_view::npos;
  }
  if (!first.space_before) return std::string_view::npos;  // "for" must be followed by CFWS
  for (std::size_t j = k + 2; j < tokens.size(); ++j)
    if (tokens[j].space_before || tokens[j].is(';') || tokens[j].is(',')) return tokens[j].pos;
  return value.size();
}

}  // namespace

std::vector<Mailbox> received_for_mailboxes(std::string_view value) {
  std::vector<Error> ignored;
  std::vector<Token> tokens = lex_structured(value, ignored);
  std::vector<Mailbox> out;
  for (std::size_t k = 0; k + 1 < tokens.size(); ++k) {
    if (!is_for_keyword(tokens, k)) continue;
    std::size_t begin = tokens[k + 1].pos;
    std::size_t end = clause_end(value, tokens, k);
    if (end == std::string_view::npos) continue;
    AddressList list = parse_address_list(value.substr(begin, end - begin));
    if (list.mailboxes.size() == 1) out.push_back(std::move(list.mailboxes.front()));
  }
  return out;
}

}  // namespace psyncd::mail
