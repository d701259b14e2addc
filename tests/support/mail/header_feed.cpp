#include "tests/support/mail/header_feed.hpp"

namespace psyncd::test {

std::string to_crlf(const std::string& lf) {
  std::string out;
  out.reserve(lf.size() + lf.size() / 16);
  for (char c : lf) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

mail::HeaderBlock read_headers_bytewise(const std::string& bytes, mail::HeaderLimits limits) {
  mail::HeaderReader reader(limits);
  for (char c : bytes) reader.feed(std::string_view(&c, 1));
  reader.finish();
  return reader.take();
}

}  // namespace psyncd::test
