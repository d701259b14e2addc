// Address parsing for the `?`/`&` rewriter: RFC 5322 §3.4 address lists (display names, angle
// addresses, groups, quoted local parts, nested comments, domain literals) with the obs- forms
// of §4.4 tolerated (source routes, dotted phrases, CFWS around dots, missing commas where the
// split is unambiguous). RFC 2047 encoded words stay as they are.
// Bad input is reported and skipped, never thrown; the parsers do no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::mail {

struct Mailbox {
  std::string display;  // the phrase before <...>, words joined by one space; may be empty
  std::string local;    // the local part, unquoted (quoted-pairs resolved)
  std::string domain;   // a dot-atom, or a domain literal with its brackets "[1.2.3.4]"

  // local@domain, the local part quoted again when it is not a dot-atom.
  std::string address() const;
};

struct AddressList {
  std::vector<Mailbox> mailboxes;  // in order; group members flattened
  // What was skipped and why; text only ("... at byte N" of the value). Callers add the
  // file, line and field (header name) they know.
  std::vector<Error> problems;
};

// Parses a header value (already unfolded, though CR/LF inside are also taken as space).
AddressList parse_address_list(std::string_view value);

// True when `s` is a non-empty dot-atom (atext runs joined by single dots).
bool is_dot_atom(std::string_view s);

}  // namespace psyncd::mail
