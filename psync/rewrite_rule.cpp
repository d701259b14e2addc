#include "psync/rewrite_rule.hpp"

#include <fmt/format.h>

#include "mail/header_text.hpp"

namespace psyncd::psync {

namespace {

Error rule_error(std::string text) {
  return Error{ErrorKind::config, {}, 0, "local-domain", std::move(text)};
}

}  // namespace

Result<RewriteRule> parse_rewrite_rule(std::string_view field0, std::string_view local_account,
                                       std::vector<std::string>* warnings) {
  RewriteRule rule;
  if (field0.empty()) return rule_error("empty: not an '@', '?' or '&' link");
  switch (field0.front()) {
    case '@':
      rule.kind = RewriteKind::fixed;
      break;
    case '?':
      rule.kind = RewriteKind::masquerade;
      break;
    case '&':
      rule.kind = RewriteKind::append;
      break;
    default:
      return rule_error(
          fmt::format("{}: not an '@', '?' or '&' link", mail::quote_excerpt(field0)));
  }
  rule.local_account.assign(local_account);
  // '@' links take the rest verbatim (XMail concatenates field 1 and field 0).
  std::size_t comma = rule.kind == RewriteKind::fixed ? field0.size() : field0.find(',');
  if (comma == std::string_view::npos) comma = field0.size();
  rule.domain_or_suffix.assign(field0.substr(1, comma - 1));
  if (rule.domain_or_suffix.empty()) {
    return rule_error(
        fmt::format("{}: nothing after '{}'", mail::quote_excerpt(field0), field0[0]));
  }
  while (comma < field0.size()) {
    std::size_t next = field0.find(',', comma + 1);
    if (next == std::string_view::npos) next = field0.size();
    std::string_view item = field0.substr(comma + 1, next - comma - 1);
    comma = next;
    std::size_t b = item.find_first_not_of(" \t");
    if (b == std::string_view::npos) continue;  // empty tokens vanish, as in XMail
    std::string_view dom = item.substr(b, item.find_last_not_of(" \t") - b + 1);
    if (dom.size() != item.size() && warnings != nullptr) {
      warnings->push_back(
          fmt::format("match domain {}: spaces around it trimmed", mail::quote_excerpt(item)));
    }
    rule.match_domains.emplace_back(dom);
  }
  return rule;
}

}  // namespace psyncd::psync
