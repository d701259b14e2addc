// The recipients a Received: header names: the address of its `for` clause (RFC 5321 §4.4,
// `For = CFWS "FOR" CFWS ( Path / Mailbox )`), e.g. "for <bob@example.net>" or fetchmail's
// "for bob@example.net (single-drop)". Everything else in the header (the "from" and "by"
// hosts, message ids, the date, comments such as "(envelope-from <sender@x>)") is not a
// recipient. XMail 1.27 takes every token with an '@' instead (USmlAddressFromAtPtr), the
// envelope sender included; docs/xmail-differences.md says why psyncd does not. No I/O.
#pragma once

#include <string_view>
#include <vector>

#include "mail/address.hpp"

namespace psyncd::mail {

// The mailboxes of every `for` clause in an (unfolded) Received: value, in order. A clause
// whose address does not parse gives nothing; nothing is reported (the header is free text).
std::vector<Mailbox> received_for_mailboxes(std::string_view value);

}  // namespace psyncd::mail
