#include "pop3/server/retr_stuffing.hpp"

#include <cstring>

namespace psyncd::pop3 {

namespace {

// Whether a line starting at p (p < end) must go through the encoder for its first byte.
bool encoder_line(const char* p, const char* end, EncoderInput input) {
  if (*p != '.') return false;
  if (input == EncoderInput::plain) return true;
  return p + 1 == end || p[1] == '\r' || p[1] == '\n';
}

}  // namespace

std::size_t clean_lines_prefix(std::string_view in, EncoderInput input) {
  const char* const begin = in.data();
  const char* const end = begin + in.size();
  const char* p = begin;
  while (p < end && !encoder_line(p, end, input)) {
    const auto* lf =
        static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    if (lf == nullptr || lf == p || lf[-1] != '\r') break;  // unfinished line, or a bare LF
    p = lf + 1;
  }
  return static_cast<std::size_t>(p - begin);
}

void encode_retr(std::string_view in, DotEncoder& encoder, bool& at_line_start, std::string& out,
                 EncoderInput input) {
  while (!in.empty()) {
    if (!at_line_start) {
      // The encoder holds part of a line: it gets the rest of it (through the LF).
      const auto lf = in.find('\n');
      if (lf == std::string_view::npos) {
        encoder.encode(in, out);
        return;
      }
      encoder.encode(in.substr(0, lf + 1), out);
      in.remove_prefix(lf + 1);
      at_line_start = true;
      continue;
    }
    const std::size_t clean = clean_lines_prefix(in, input);
    out.append(in.data(), clean);
    in.remove_prefix(clean);
    // What is left starts with a line the encoder must see (or is empty).
    at_line_start = in.empty();
  }
}

}  // namespace psyncd::pop3
