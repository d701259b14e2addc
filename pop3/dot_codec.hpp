// Dot codec for POP3 multi-line bodies (RFC 1939 §3): byte-stuffing and the "." terminator.
// DotDecoder turns wire bytes (after the +OK line) into message bytes, stopping exactly after
// the terminator; DotEncoder turns message bytes into wire bytes plus terminator: a plain
// message is stuffed, while a stored file is already in wire form (XMail stores what came over
// the wire, spool/crlf_normalizer.hpp) and only a lone "." line is stuffed, as a guard.
// Both are streaming (any chunking, down to one byte) and both emit CRLF line ends only:
// bare LF is normalised because files written by XMail or others may hold bare LF; the
// decoder also reads CR CR LF as one line end. Neither reads or writes a socket or a file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace psyncd::pop3 {

class DotDecoder {
 public:
  struct Step {
    std::size_t consumed = 0;  // input bytes used; bytes after the terminator are not consumed
    bool done = false;         // the terminator line has been read
  };

  // Appends the unstuffed message bytes found in `in` to `out`. After done, consumes nothing.
  // A line ends at CRLF, at CR CR... LF (one line end: servers that store CRLF files send
  // "\r\r\n") or at a bare LF; a CR not followed by LF is data. A terminator is "." alone on
  // a line. A leading dot on any other line is removed (RFC 1939: "the octet is stripped"),
  // whether or not a second dot follows.
  Step decode(std::string_view in, std::string& out);
  bool done() const { return state_ == State::done; }
  void reset() {
    state_ = State::line_start;
    held_cr_ = 0;
  }

 private:
  enum class State { line_start, mid_line, after_cr, dot, dot_cr, done };
  State state_ = State::line_start;
  std::size_t held_cr_ = 0;  // after_cr, dot_cr: CRs read whose LF may still come
};

// What DotEncoder is given.
enum class EncoderInput {
  plain,      // the message itself: every line that starts with "." is stuffed
  wire_form,  // a stored file, already stuffed: only a "." followed by CR, LF or the end of the
              // message is stuffed, so a damaged or unstuffed file cannot end the reply early
};

class DotEncoder {
 public:
  // With top_lines set, output stops after the header, the blank line and that many body
  // lines (POP3 TOP); see wants_more().
  DotEncoder() = default;
  explicit DotEncoder(EncoderInput input) : input_(input) {}
  explicit DotEncoder(std::optional<std::uint64_t> top_lines) : top_lines_(top_lines) {}
  DotEncoder(EncoderInput input, std::optional<std::uint64_t> top_lines);

  // Appends wire bytes for `in` (a piece of the stored message) to `out`.
  void encode(std::string_view in, std::string& out);
  // Ends an unterminated last line with CRLF and appends the ".\r\n" terminator.
  void finish(std::string& out);
  // False once a TOP limit is reached: further input would be dropped anyway.
  bool wants_more() const { return !limit_reached_; }
  // Octets of the input in CRLF form, without the stuffing added here or the terminator: for
  // plain input the RFC 1939 size of what has been encoded, for wire-form input the size a
  // LIST reply gives (the stored bytes, line ends fixed).
  std::uint64_t message_octets() const { return octets_; }

 private:
  void end_line(std::string& out);
  // At a line start, `in` begins with ".": writes the stuffing dot when one is due. False
  // when that needs the next piece (the dot is then held).
  bool stuff_dot(std::string_view in, std::string& out);

  EncoderInput input_ = EncoderInput::plain;
  bool line_start_ = true;
  bool pending_dot_ = false;
  bool pending_cr_ = false;
  bool in_header_ = true;
  bool limit_reached_ = false;
  std::optional<std::uint64_t> top_lines_;
  std::uint64_t body_lines_ = 0;
  std::uint64_t octets_ = 0;
};

}  // namespace psyncd::pop3
