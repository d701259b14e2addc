#include "pop3/dot_codec.hpp"

#include <cstring>

namespace psyncd::pop3 {

DotDecoder::Step DotDecoder::decode(std::string_view in, std::string& out) {
  std::size_t i = 0;
  while (i < in.size() && state_ != State::done) {
    const char c = in[i];
    switch (state_) {
      case State::line_start:
        if (c == '.') {
          state_ = State::dot;
          ++i;
          continue;
        }
        state_ = State::mid_line;
        continue;  // reprocess c as line content
      case State::mid_line: {
        // Copy up to the LF in one go; the CRs right before it belong to the line end (\r+\n:
        // servers that store CRLF files send \r\r\n), any other CR is data. CRs at the end of
        // the input wait for the next byte.
        const char* base = in.data() + i;
        const auto* lf = static_cast<const char*>(std::memchr(base, '\n', in.size() - i));
        const std::size_t stop = lf ? static_cast<std::size_t>(lf - in.data()) : in.size();
        std::size_t end = stop;
        while (end > i && in[end - 1] == '\r') --end;
        out.append(in.substr(i, end - i));
        if (lf == nullptr) {
          held_cr_ = stop - end;
          if (held_cr_ > 0) state_ = State::after_cr;
          i = in.size();
          break;
        }
        out.append("\r\n");  // CRLF, \r+\n, or a bare LF from a sloppy server: stored as CRLF
        state_ = State::line_start;
        i = stop + 1;
        break;
      }
      case State::after_cr:
        if (c == '\n') {
          out.append("\r\n");
          state_ = State::line_start;
          ++i;
        } else if (c == '\r') {
          ++held_cr_;
          ++i;
        } else {
          out.append(held_cr_, '\r');  // CRs not followed by LF are data
          state_ = State::mid_line;
        }
        break;
      case State::dot:
        if (c == '\r') {
          state_ = State::dot_cr;
          held_cr_ = 1;
          ++i;
        } else if (c == '\n') {
          state_ = State::done;
          ++i;
        } else {
          state_ = State::mid_line;  // the stuffing dot is dropped; c is content
        }
        break;
      case State::dot_cr:
        if (c == '\n') {
          state_ = State::done;  // ".\r\n", or ".\r\r\n" from a CRLF-storing server
          ++i;
        } else if (c == '\r') {
          ++held_cr_;
          ++i;
        } else {
          state_ = State::after_cr;  // ".\rX": dot stripped, the CRs are data
        }
        break;
      case State::done:
        break;
    }
  }
  return {i, state_ == State::done};
}

// TOP n 0 sends the header and the blank line only: the limit is checked at that line.
DotEncoder::DotEncoder(EncoderInput input, std::optional<std::uint64_t> top_lines)
    : input_(input), top_lines_(top_lines) {}

bool DotEncoder::stuff_dot(std::string_view in, std::string& out) {
  if (input_ == EncoderInput::wire_form) {
    if (in.size() == 1) return false;                 // the next byte decides
    if (in[1] != '\r' && in[1] != '\n') return true;  // stored already stuffed: as is
  }
  out.push_back('.');
  return true;
}

void DotEncoder::end_line(std::string& out) {
  out.append("\r\n");
  octets_ += 2;
  const bool was_blank = line_start_;
  line_start_ = true;
  if (!top_lines_) return;
  if (in_header_) {
    if (was_blank) {
      in_header_ = false;
      if (*top_lines_ == 0) limit_reached_ = true;
    }
    return;
  }
  if (++body_lines_ >= *top_lines_) limit_reached_ = true;
}

void DotEncoder::encode(std::string_view in, std::string& out) {
  std::size_t i = 0;
  if (pending_dot_ && !in.empty()) {  // a line began with "." at the end of the last piece
    pending_dot_ = false;
    if (in[0] == '\r' || in[0] == '\n') out.push_back('.');
    out.push_back('.');
    ++octets_;
    line_start_ = false;
  }
  while (i < in.size() && !limit_reached_) {
    if (pending_cr_) {
      pending_cr_ = false;
      if (in[i] == '\n') {
        ++i;
        end_line(out);
        continue;
      }
      out.push_back('\r');  // lone CR inside a line: kept as data
      ++octets_;
      line_start_ = false;
    }
    if (line_start_ && in[i] == '.' && !stuff_dot(in.substr(i), out)) {  // not in octets_
      pending_dot_ = true;
      return;
    }
    // Copy up to the LF in one go; a CR right before it is the line end, other CRs are data.
    const auto* lf = static_cast<const char*>(std::memchr(in.data() + i, '\n', in.size() - i));
    const std::size_t stop = lf ? static_cast<std::size_t>(lf - in.data()) : in.size();
    std::size_t end = stop;
    if (end > i && in[end - 1] == '\r') {
      --end;
      if (lf == nullptr) pending_cr_ = true;  // its LF may be in the next piece
    }
    out.append(in.substr(i, end - i));
    octets_ += end - i;
    if (end > i) line_start_ = false;
    if (lf == nullptr) return;
    i = stop + 1;
    end_line(out);
  }
}

void DotEncoder::finish(std::string& out) {
  if (pending_dot_) {  // the message ends with a line that is "." alone
    pending_dot_ = false;
    out.append("..");
    ++octets_;
    line_start_ = false;
  }
  if (!limit_reached_) {
    if (pending_cr_) {
      pending_cr_ = false;
      end_line(out);  // a final CR ends the last line
    } else if (!line_start_) {
      end_line(out);  // no final newline: XMail would glue the "." to it
    }
  }
  out.append(".\r\n");
}

}  // namespace psyncd::pop3
