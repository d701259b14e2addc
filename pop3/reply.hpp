// POP3 status-line parser: "+OK", "-ERR" (any case, as XMail accepts), an optional RFC 2449
// response code "[SYS/TEMP]" (RFC 2449 §8, RFC 3206), the text, and SASL continuation lines
// "+ <base64>" (RFC 5034). Takes one line without its CRLF (see LineReader); does not read
// multi-line bodies (see DotDecoder) and does not decide what a reply means for a session.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace psyncd::pop3 {

struct Reply {
  enum class Status { ok, err, continuation };
  Status status = Status::err;
  std::string code;  // response code without brackets, e.g. "SYS/TEMP"; empty when none
  std::string text;  // the rest of the line; for a continuation, the base64 challenge

  bool ok() const { return status == Status::ok; }
  // True when the code's first level matches, e.g. has_code("SYS") for "SYS/TEMP".
  bool has_code(std::string_view level) const;
};

// Parses one status line. Errors (kind protocol) name the problem and quote the line.
Result<Reply> parse_reply(std::string_view line);

// Quotes untrusted bytes for a diagnosis: at most `max` characters, control and non-ASCII
// bytes as \xNN, in double quotes.
std::string quote_for_log(std::string_view bytes, std::size_t max = 60);

}  // namespace psyncd::pop3
