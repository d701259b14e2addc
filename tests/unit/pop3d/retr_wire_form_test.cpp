// Where spool and the POP3 server meet: what the server's RETR sends for a stored file must be
// exactly what spool's MessageReader sizes for LIST (two layers, one rule), that is the
// normaliser in stuff_lone / bare-CR-as-data mode plus the terminating dot line.
#include <catch2/catch.hpp>
#include <random>

#include "pop3/server/retr_stuffing.hpp"
#include "spool/crlf_normalizer.hpp"

namespace pop3 = psyncd::pop3;
namespace spool = psyncd::spool;

namespace {

// A stored file sent by RETR's fast path in pieces of `step` bytes.
std::string sent_by_retr(std::string_view stored, std::size_t step) {
  pop3::DotEncoder encoder(pop3::EncoderInput::wire_form);
  bool at_line_start = true;
  std::string out;
  for (std::size_t i = 0; i < stored.size(); i += step)
    pop3::encode_retr(stored.substr(i, step), encoder, at_line_start, out);
  encoder.finish(out);
  return out;
}

}  // namespace

TEST_CASE("wire-form RETR sends what spool sizes, and a stored file goes out unchanged") {
  std::mt19937 rng(4711);
  const char alphabet[] = {'.', '\r', '\n', 'a', 'a', '\r', '\n'};
  for (int round = 0; round < 2000; ++round) {
    std::string in(rng() % 120, ' ');
    for (char& c : in) c = alphabet[rng() % sizeof alphabet];
    INFO("round " << round << " input " << in);
    const std::string sized =
        spool::normalize_crlf(in, spool::LeadingDot::stuff_lone, spool::BareCr::data);
    REQUIRE(sent_by_retr(in, 1 + rng() % 9) == sized + ".\r\n");
  }
  const std::string stored = spool::wire_form("a\n.\n..b\n.c\nlast");
  CHECK(sent_by_retr(stored, 3) == stored + ".\r\n");
}
