// XMail's wildcard patterns (StrIWildMatch in StrUtils.cpp), used by aliasdomain.tab and the
// wildcard lines of aliases.tab: '*' matches any run of characters (also none), '?' exactly
// one, "[abc]", "[a-z]" and "[^abc]" one character of (or not of) a set, '\' makes the next
// character literal. Case-insensitive (ASCII), as XMail lowercases both sides. A malformed
// set ("[abc" without ']', "[]") matches nothing, as in XMail. No I/O, no allocation per call
// beyond the lowercased copies.
#pragma once

#include <string_view>

namespace psyncd::spool {

bool wildcard_match(std::string_view pattern, std::string_view text);

// True when XMail files the line under its wildcard index: the text has a '*' or a '?'
// (UsrIsWildAlias). A "[set]" alone does not count, so such a line only matches literally.
bool has_wildcard(std::string_view text);

}  // namespace psyncd::spool
