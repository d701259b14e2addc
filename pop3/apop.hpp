// APOP (RFC 1939 §7): find the timestamp in a server greeting and compute the digest.
// The timestamp is the first '<' through the next '>', both included, and must be printable
// ASCII without spaces; unlike RFC 1939 an '@' is not required, because XMail does not
// require one either. Does not decide whether APOP is used (that is the client's policy).
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace psyncd::pop3 {

inline constexpr std::size_t kMaxApopTimestamp = 256;

// "<1896.697170952@dbc.mtview.ca.us>" from the greeting. Errors (kind protocol): none found,
// unterminated, empty, too long, or holding a space, control or non-ASCII byte.
Result<std::string> apop_timestamp(std::string_view greeting);

// Lower-case hex MD5(timestamp + secret), via OpenSSL EVP.
std::string apop_digest(std::string_view timestamp, std::string_view secret);

}  // namespace psyncd::pop3
