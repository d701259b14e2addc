// LineReader: splits a byte stream into protocol lines (CRLF, CR CR... LF, or bare LF) with a
// hard cap.
// It owns only the bytes not yet returned; a line view stays valid until the next feed().
// It does not interpret lines, and it never grows past what the caller fed it: callers bound
// how much they feed (see buffered_size()). The still-buffered bytes are exposed so that a
// server can refuse data pipelined after STLS (STARTTLS command injection, CVE-2011-0411).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace psyncd::pop3 {

class LineReader {
 public:
  enum class Status {
    line,       // `line` holds one line without its CRLF / LF
    need_more,  // no complete line buffered
    too_long,   // a line exceeded the cap; its bytes up to the next LF are skipped
  };
  struct Next {
    Status status = Status::need_more;
    std::string_view line;
  };

  // max_line counts the terminator: 1024 accepts 1022 bytes + CRLF.
  explicit LineReader(std::size_t max_line);

  void feed(std::string_view bytes);
  Next next();

  // Bytes fed but not yet returned as lines (including a partial last line).
  std::string_view buffered() const;
  std::size_t buffered_size() const { return buf_.size() - start_; }
  // Drops every buffered byte (e.g. after STLS) and any skip in progress.
  void discard();
  std::size_t max_line() const { return max_line_; }

 private:
  void compact();

  std::string buf_;
  std::size_t start_ = 0;    // first byte not yet returned
  std::size_t scanned_ = 0;  // bytes after start_ already known to hold no LF
  std::size_t max_line_;
  bool skipping_ = false;  // inside an over-long line: drop bytes up to its LF
};

}  // namespace psyncd::pop3
