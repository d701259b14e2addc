// Fuzz target: server replies as a client sees them. The input is split into lines by the
// LineReader; each line goes to parse_reply and parse_capa_line, and the whole input also
// goes through the DotDecoder, whole and one byte at a time, which must agree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pop3/capa.hpp"
#include "pop3/dot_codec.hpp"
#include "pop3/line_reader.hpp"
#include "pop3/reply.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  psyncd::pop3::LineReader reader(1024);
  reader.feed(in);
  psyncd::pop3::Capabilities caps;
  while (true) {
    auto n = reader.next();
    if (n.status == psyncd::pop3::LineReader::Status::need_more) break;
    if (n.status != psyncd::pop3::LineReader::Status::line) continue;
    auto r = psyncd::pop3::parse_reply(n.line);
    if (!r.ok() && r.error().text.empty()) std::abort();
    (void)psyncd::pop3::parse_capa_line(n.line, caps);
  }
  psyncd::pop3::DotDecoder whole, bytewise;
  std::string out_whole, out_bytes;
  const auto step = whole.decode(in, out_whole);
  std::size_t consumed = 0;
  for (std::size_t i = 0; i < in.size() && !bytewise.done(); ++i) {
    consumed += bytewise.decode(in.substr(i, 1), out_bytes).consumed;
  }
  if (out_whole != out_bytes || step.consumed != consumed || step.done != bytewise.done()) {
    std::abort();
  }
  return 0;
}
