// RETR's fast path over DotEncoder (pop3/dot_codec.hpp): stored mail is nearly all CRLF lines
// that do not start with ".", and those go out unchanged, one append per run of such lines
// found with memchr. Any other line (a leading dot, a bare LF, a line split across two reads)
// goes through the DotEncoder, which is handed whole lines (or the rest of a line) only, so it
// is at a line start whenever the fast path runs. The output is DotEncoder's, byte for byte.
// Not for TOP: the encoder must count the lines there.
#pragma once

#include <string>
#include <string_view>

#include "pop3/dot_codec.hpp"

namespace psyncd::pop3 {

// Appends the wire form of `in` (the next piece of a message) to `out`. `at_line_start`
// starts true and is carried between pieces; end with encoder.finish(out).
void encode_retr(std::string_view in, DotEncoder& encoder, bool& at_line_start, std::string& out);

// Length of the longest prefix of `in` made of whole lines ending in CRLF and not starting
// with "." (the bytes the fast path copies as they are).
std::size_t clean_lines_prefix(std::string_view in);

}  // namespace psyncd::pop3
