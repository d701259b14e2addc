#include "pop3/line_reader.hpp"

#include <cstring>

namespace psyncd::pop3 {

LineReader::LineReader(std::size_t max_line) : max_line_(max_line < 2 ? 2 : max_line) {}

void LineReader::compact() {
  // Move the unread tail to the front only when it is cheap relative to what was consumed.
  if (start_ == 0) return;
  if (start_ == buf_.size()) {
    buf_.clear();
    start_ = 0;
    return;
  }
  if (start_ >= buf_.size() / 2) {
    buf_.erase(0, start_);
    start_ = 0;
  }
}

void LineReader::feed(std::string_view bytes) {
  compact();
  buf_.append(bytes);
}

LineReader::Next LineReader::next() {
  while (true) {
    const std::size_t avail = buf_.size() - start_;
    const char* base = buf_.data() + start_;
    const void* lf =
        scanned_ < avail ? std::memchr(base + scanned_, '\n', avail - scanned_) : nullptr;
    if (lf == nullptr) {
      scanned_ = avail;
      if (skipping_) {
        start_ = buf_.size();  // keep dropping the over-long line
        scanned_ = 0;
        return {};
      }
      if (avail >= max_line_) {
        // Even if the LF came next the line would be over the cap.
        skipping_ = true;
        start_ = buf_.size();
        scanned_ = 0;
        return {Status::too_long, {}};
      }
      return {};
    }
    const std::size_t len = static_cast<std::size_t>(static_cast<const char*>(lf) - base);
    start_ += len + 1;
    scanned_ = 0;
    if (skipping_) {
      skipping_ = false;
      continue;
    }
    if (len + 1 > max_line_) return {Status::too_long, {}};
    std::size_t text_len = len;
    while (text_len > 0 && base[text_len - 1] == '\r') --text_len;  // \r+\n is one line end
    return {Status::line, std::string_view(base, text_len)};
  }
}

std::string_view LineReader::buffered() const { return std::string_view(buf_).substr(start_); }

void LineReader::discard() {
  buf_.clear();
  start_ = 0;
  scanned_ = 0;
  skipping_ = false;
}

}  // namespace psyncd::pop3
