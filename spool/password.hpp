// XMail's password obfuscation for mailusers.tab field 2 and pop3links.tab field 4:
// each byte XOR 0x65 as two lowercase hex digits ("xmail" <-> "1d08040c09").
// Obfuscation, not cryptography.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace psyncd::spool {

std::string encode_password(std::string_view plain);

// Fails (kind config, text naming the problem) on odd length or a non-hex pair. A pair that
// decodes to NUL ends the password there, as in XMail.
Result<std::string> decode_password(std::string_view encoded);

}  // namespace psyncd::spool
