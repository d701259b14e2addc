// SMTP replies (RFC 5321 §4.2): "250-first" continuation lines and a "250 last" line make one
// reply; its class decides what happens to the recipients it speaks for. Pure.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace psyncd::smtp {

enum class ReplyClass {
  positive,   // 2xx, and 3xx (354 to DATA)
  temporary,  // 4xx: try again later (or on the next gateway)
  permanent,  // 5xx: XMail's USmtpIsFatalError
};

ReplyClass classify(int code);

struct Reply {
  int code = 0;
  std::string text;  // every line's text after the code, joined by a space, as sent
  // "550 5.1.1 no such user": for logs, the journal and the error account's header.
  std::string line() const;
};

// Collects reply lines into whole replies. A line that is not "ddd", "ddd text" or
// "ddd-text" is a broken reply: code 0 (the caller treats it as a temporary failure).
// A reply's text is kept up to kMaxReplyText bytes, then " ..." marks the cut: a gateway that
// sends endless continuation lines cannot grow it, nor the logs and headers it is copied to
// (RFC 5321 §4.5.3.1.5 allows 512 octets a line).
class ReplyReader {
 public:
  static constexpr std::size_t kMaxReplyText = 1024;
  // A whole reply when `line` (CRLF stripped) ends one.
  std::optional<Reply> feed(std::string_view line);

 private:
  Reply partial_;
  bool open_ = false;
};

}  // namespace psyncd::smtp
