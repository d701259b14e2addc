// The address rewriter for '@', '?' and '&' links: from a fetched message's headers and the
// link's RewriteRule, the list of recipients to deliver to (docs/xmail-differences.md
// "pop3links.tab"; docs/xmail-formats.md §3.2, §9.3). Headers are scanned in FetchHdrTags order;
// addresses are filtered by the match domains, rewritten, and de-duplicated exactly
// (case-insensitive, whole address) before and after rewriting. It does not check that the
// recipients are local, nor deliver; no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "mail/header_reader.hpp"
#include "psync/rewrite_header_tags.hpp"
#include "psync/rewrite_rule.hpp"

namespace psyncd::psync {

// Bounds against hostile headers (a 256 KiB To: line holds ~15 000 addresses): more
// recipients than this are dropped with a warning, and problems beyond the cap not listed.
inline constexpr std::size_t kMaxRecipients = 1000;
inline constexpr std::size_t kMaxRewriteProblems = 100;

struct Recipients {
  std::vector<std::string> recipients;  // final addresses, in the order found
  std::vector<std::string> found;       // the matching addresses before rewriting
  // Bad header lines and skipped addresses: file "headers", line, field = header name.
  std::vector<Error> problems;
  std::vector<std::string> warnings;  // rewriting with no match list; nothing found
};

Recipients build_recipients(const RewriteRule& rule, const std::vector<mail::Header>& headers,
                            const std::vector<HdrTag>& tags = default_fetch_hdr_tags());

// Same, from a header block: its reading problems (bad lines, caps) come first.
Recipients build_recipients(const RewriteRule& rule, const mail::HeaderBlock& block,
                            const std::vector<HdrTag>& tags = default_fetch_hdr_tags());

}  // namespace psyncd::psync
