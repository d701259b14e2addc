#include "pop3/dot_codec.hpp"

#include <cstring>

namespace psyncd::pop3 {

namespace {

// Index of the first CR or LF in s from `from`, or s.size().
std::size_t find_eol(std::string_view s, std::size_t from) {
  for (std::size_t i = from; i < s.size(); ++i) {
    if (s[i] == '\r' || s[i] == '\n') return i;
  }
  return s.size();
}

}  // namespace

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
        const std::size_t end = find_eol(in, i);
        out.append(in.substr(i, end - i));
        i = end;
        if (i == in.size()) break;
        if (in[i] == '\n') {
          out.append("\r\n");  // bare LF from a sloppy server: store CRLF
          state_ = State::line_start;
        } else {
          state_ = State::after_cr;
        }
        ++i;
        break;
      }
      case State::after_cr:
        if (c == '\n') {
          out.append("\r\n");
          state_ = State::line_start;
          ++i;
        } else {
          out.push_back('\r');  // a lone CR is data
          state_ = State::mid_line;
        }
        break;
      case State::dot:
        if (c == '\r') {
          state_ = State::dot_cr;
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
          state_ = State::done;
          ++i;
        } else {
          state_ = State::after_cr;  // ".\rX": dot stripped, the CR is data
        }
        break;
      case State::done:
        break;
    }
  }
  return {i, state_ == State::done};
}

// TOP n 0 sends the header and the blank line only: the limit is checked at that line.
DotEncoder::DotEncoder(std::optional<std::uint64_t> top_lines) : top_lines_(top_lines) {}

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
    const char c = in[i];
    if (c == '\n') {
      ++i;
      end_line(out);
      continue;
    }
    if (c == '\r') {
      ++i;
      pending_cr_ = true;
      continue;
    }
    if (line_start_ && c == '.') out.push_back('.');  // stuffing: not counted in octets_
    const std::size_t end = find_eol(in, i);
    out.append(in.substr(i, end - i));
    octets_ += end - i;
    line_start_ = false;
    i = end;
  }
}

void DotEncoder::finish(std::string& out) {
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
