// Fuzz target: bytes a client or a remote server chose -> the log writers (common/log.hpp,
// common/xmail_log.hpp). Checks: log::escape keeps a value one printable token (no control
// byte, no 8-bit byte, no space, quote or bare backslash escape, bounded length) and can be
// read back to the input; log::write never hands the sink a control byte; an XMail log line
// has exactly its fields, quoted, and ends in the only newline it contains.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/log.hpp"
#include "common/xmail_log.hpp"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads log::escape's output back: every \xNN is one byte, everything else itself.
std::string unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    require(i + 3 < text.size());
    require(text[i + 1] == 'x');
    const int hi = hex_digit(text[i + 2]), lo = hex_digit(text[i + 3]);
    require(hi >= 0 && lo >= 0);
    out += static_cast<char>(hi * 16 + lo);
    i += 3;
  }
  return out;
}

void check_escape(std::string_view input, std::size_t max) {
  const std::string out = psyncd::log::escape(input, max);
  for (char ch : out) {
    const auto c = static_cast<unsigned char>(ch);
    require(c > 0x20 && c < 0x7f && c != '"');
  }
  std::string_view body = out;
  if (input.size() > max) {
    require(body.size() >= 3 && body.substr(body.size() - 3) == "...");
    body.remove_suffix(3);
  }
  require(body.size() <= 4 * max);
  require(unescape(body) == input.substr(0, max));
}

void check_write(std::string_view input) {
  std::string seen;
  auto previous = psyncd::log::set_sink(
      [&seen](psyncd::log::Level, std::string_view message) { seen.assign(message); });
  psyncd::log::write(psyncd::log::Level::error, input);
  psyncd::log::set_sink(std::move(previous));
  for (char ch : seen) {
    const auto c = static_cast<unsigned char>(ch);
    require(c >= 0x20 && c != 0x7f);
  }
}

void check_xmail_line(std::string_view a, std::string_view b, std::string_view c) {
  const std::string line = psyncd::xmail_log::format_line({a, b, c});
  require(!line.empty() && line.back() == '\n');
  require(line.find('\n') == line.size() - 1);
  require(line.find('\r') == std::string::npos);
  // Three quoted fields: "a"\t"b"\t"c"\n, no quote or TAB inside a field.
  std::size_t quotes = 0, tabs = 0;
  for (char ch : line) {
    quotes += ch == '"';
    tabs += ch == '\t';
  }
  require(quotes == 6 && tabs == 2);
  require(line.front() == '"' && line[line.size() - 2] == '"');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  psyncd::log::set_min_level(psyncd::log::Level::debug);
  check_escape(text, 256);
  check_escape(text, size > 0 ? data[0] % 64 : 0);
  check_write(text);
  const std::size_t third = size / 3;
  check_xmail_line(text.substr(0, third), text.substr(third, third), text.substr(2 * third));
  return 0;
}
