// Header reader: splits a message's header block (lines ending CRLF or LF) into (name, value)
// pairs, unfolding continuation lines, up to the first empty line. Incremental (feed any split
// of the bytes) and bounded (total bytes and header count are capped; a cap is reported).
// Bad lines are reported and skipped; they never hide a header that follows.
// It does not decode anything (RFC 2047 words stay as they are) and does no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::mail {

struct Header {
  // The text before the first colon, untrimmed, as XMail takes it: "To :" is the header "To ",
  // which does not match "To". RFC 5322 §4.5.5 lets readers tolerate the space; we do not,
  // so a tag list means the same here as under XMail.
  std::string name;
  // The unfolded value: leading SP/HT removed, each line break of a fold removed (the
  // whitespace that starts the continuation line is kept, RFC 5322 §2.2.3).
  std::string value;
  int line = 0;  // 1-based line of the header's first line in the block
};

struct HeaderLimits {
  std::size_t max_bytes = 256 * 1024;  // bytes read, line ends included
  std::size_t max_headers = 1000;
  std::size_t max_problems = 50;  // then one "more bad lines" problem
};

struct HeaderBlock {
  std::vector<Header> headers;
  // One Error per bad line or cap (file "headers", line, text); kind protocol.
  std::vector<Error> problems;
  bool capped = false;          // a limit was reached; later headers were not read
  bool complete = false;        // the empty line ending the block was seen
  std::size_t body_offset = 0;  // when complete: offset just past the empty line
};

// Case-insensitive (ASCII) comparison of header names; no trimming.
bool header_name_is(std::string_view name, std::string_view want);

class HeaderReader {
 public:
  explicit HeaderReader(HeaderLimits limits = {}) : limits_(limits) {}

  // Consumes bytes; returns how many were used (fewer once the block has ended or is capped).
  std::size_t feed(std::string_view bytes);
  // Call at end of input: flushes a last line without a line end.
  void finish();
  bool done() const { return done_; }
  const HeaderBlock& block() const { return block_; }
  HeaderBlock take() { return std::move(block_); }

 private:
  void end_line();
  void take_line(std::string_view line);
  void flush_pending();
  // Bad lines beyond limits_.max_problems are not listed; `always` is for the caps.
  void problem(int line, std::string text, bool always = false);

  HeaderLimits limits_;
  HeaderBlock block_;
  std::string line_;  // the line being gathered, line end not included
  Header pending_;    // the header being unfolded
  bool have_pending_ = false;
  bool done_ = false;
  int line_no_ = 0;
  std::size_t consumed_ = 0;
};

// The whole block at once: feeds `bytes`, then finish().
HeaderBlock read_headers(std::string_view bytes, HeaderLimits limits = {});

}  // namespace psyncd::mail
