// The rewriter's input: what kind of non-local POP3 link this is and its parameters, taken
// from POP3LINKS.TAB field 0 (`@dom`, `?masq,match...`, `&suffix,match...`) and field 1.
// Kept apart from the link model (psync/link*) on purpose, so the rewriter depends on nothing
// but this small struct. It does not look at messages; see rewrite_recipients.hpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::psync {

enum class RewriteKind {
  fixed,       // '@dom': every message goes to local_account@dom
  masquerade,  // '?masq': each matching address becomes localpart@masq
  append,      // '&suffix': each matching address becomes address + suffix
};

struct RewriteRule {
  RewriteKind kind = RewriteKind::fixed;
  std::string domain_or_suffix;            // "dom", "masq" or ".suffix" (prefix char removed)
  std::vector<std::string> match_domains;  // exact, case-insensitive; empty = every address
  std::string local_account;               // field 1; used by '@' links only
};

// Parses field 0 ("?home.bogus.com,felins.net,pets.org") and field 1. Errors (kind config,
// field "local-domain"): no '@'/'?'/'&' prefix, or nothing after it. Departure from XMail:
// spaces around match domains are trimmed and reported in `warnings` (XMail keeps them, so
// such a domain never matches). The caller sets file and line.
Result<RewriteRule> parse_rewrite_rule(std::string_view field0, std::string_view local_account,
                                       std::vector<std::string>* warnings = nullptr);

}  // namespace psyncd::psync
