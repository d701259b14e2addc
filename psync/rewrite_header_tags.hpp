// FetchHdrTags: the SERVER.TAB list of headers the `?`/`&` rewriter scans, e.g.
// "+X-Deliver-To,+Received,To,Cc,Bcc". A '+' marks a tag exclusive: once a header of that
// name yields a new address, the scan stops (docs/xmail-formats.md §9.3). This module only parses
// the list; the scan itself is in rewrite_recipients.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::psync {

// docs/xmail-differences.md "pop3links.tab": XMail's code default plus Bcc, which XMail's manual
// promises.
inline constexpr std::string_view kDefaultFetchHdrTags = "+X-Deliver-To,+Received,To,Cc,Bcc";

struct HdrTag {
  std::string name;
  bool exclusive = false;
  bool operator==(const HdrTag&) const = default;
};

struct HdrTagList {
  std::vector<HdrTag> tags;  // in list order
  // Errors with file "server.tab", field "FetchHdrTags" (the caller may set the line).
  std::vector<Error> problems;
};

// Splits on ',' (empty items vanish, as in XMail). Departure from XMail: spaces and tabs
// around a tag are trimmed and noted, since an untrimmed " Cc" could never match a header.
// A tag that is not a valid header name (RFC 5322 ftext) is noted and ignored.
HdrTagList parse_fetch_hdr_tags(std::string_view text);

const std::vector<HdrTag>& default_fetch_hdr_tags();

}  // namespace psyncd::psync
