// RETR's fast path over DotEncoder (pop3/dot_codec.hpp): stored mail is nearly all CRLF lines
// that need nothing, and those go out unchanged, one append per run of such lines found with
// memchr. Any other line (one the encoder may stuff, a bare LF, a line split across two reads)
// goes through the DotEncoder, which is handed whole lines (or the rest of a line) only, so it
// is at a line start whenever the fast path runs. The output is DotEncoder's, byte for byte,
// for an encoder of the same EncoderInput.
// Not for TOP: the encoder must count the lines there.
#pragma once

#include <string>
#include <string_view>

#include "pop3/dot_codec.hpp"

namespace psyncd::pop3 {

// Appends the wire form of `in` (the next piece of a message) to `out`. `at_line_start`
// starts true and is carried between pieces; end with encoder.finish(out).
void encode_retr(std::string_view in, DotEncoder& encoder, bool& at_line_start, std::string& out,
                 EncoderInput input = EncoderInput::wire_form);

// Length of the longest prefix of `in` made of whole lines ending in CRLF that the encoder
// would not stuff: for plain input no line starting with "."; for wire-form input no line
// that is "." followed by CR or LF (the bytes the fast path copies as they are).
std::size_t clean_lines_prefix(std::string_view in, EncoderInput input = EncoderInput::wire_form);

}  // namespace psyncd::pop3
