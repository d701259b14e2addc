// ConnectLines (what libcurl's header callback shows) and the strict listing number parser.
#include "pop3/client/connect_lines.hpp"

#include <catch2/catch.hpp>

#include "pop3/client/listing.hpp"

using psyncd::pop3::ConnectLines;
using psyncd::pop3::ListingLimits;
using psyncd::pop3::parse_number;

namespace {

// Feeds whole lines, or one byte at a time.
ConnectLines feed(const std::string& wire, bool by_byte) {
  ConnectLines lines;
  if (!by_byte) {
    std::size_t start = 0;
    while (start < wire.size()) {
      std::size_t nl = wire.find('\n', start);
      std::size_t end = nl == std::string::npos ? wire.size() : nl + 1;
      REQUIRE(lines.add(std::string_view(wire).substr(start, end - start)));
      start = end;
    }
  } else {
    for (char c : wire) REQUIRE(lines.add(std::string_view(&c, 1)));
  }
  return lines;
}

}  // namespace

TEST_CASE("connect lines: greeting and CAPA", "[pop3][client]") {
  auto lines =
      feed("+OK ready <1.2@h>\r\n+OK\r\nTOP\r\nPIPELINING\r\n.\r\n", GENERATE(false, true));
  CHECK(lines.greeting() == "+OK ready <1.2@h>");
  CHECK(lines.capa() == std::vector<std::string>{"TOP", "PIPELINING"});
  CHECK_FALSE(lines.stls_accepted());
}

TEST_CASE("connect lines: STLS accepted, the post-TLS CAPA wins", "[pop3][client]") {
  auto lines = feed(
      "+OK hi\r\n+OK\r\nSTLS\r\nUSER\r\n.\r\n+OK Begin TLS\r\n+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n",
      GENERATE(false, true));
  CHECK(lines.greeting() == "+OK hi");
  CHECK(lines.capa() == std::vector<std::string>{"USER", "SASL PLAIN"});
  CHECK(lines.stls_accepted());
}

TEST_CASE("connect lines: CAPA refused, STLS refused", "[pop3][client]") {
  auto no_capa = feed("+OK hi\r\n-ERR no CAPA\r\n", false);
  CHECK(no_capa.capa().empty());
  auto refused = feed("+OK hi\r\n+OK\r\nSTLS\r\n.\r\n-ERR not now\r\n", false);
  CHECK(refused.capa() == std::vector<std::string>{"STLS"});
  CHECK_FALSE(refused.stls_accepted());
}

TEST_CASE("connect lines: an endless CAPA is cut off", "[pop3][client]") {
  ConnectLines lines;
  bool ok = true;
  ok = lines.add("+OK hi\r\n") && lines.add("+OK\r\n");
  for (int i = 0; i < 1000 && ok; ++i) ok = lines.add("X-CAP\r\n");
  CHECK_FALSE(ok);
}

TEST_CASE("listing: strict numbers", "[pop3][client]") {
  struct Case {
    const char* input;
    bool ok;
    std::uint64_t want;
  };
  const Case cases[] = {
      {"0", true, 0},
      {"7", true, 7},
      {"4294967295", true, 4294967295ULL},
      {"", false, 0},
      {"01", false, 0},
      {"+1", false, 0},
      {"-1", false, 0},
      {" 1", false, 0},
      {"1 ", false, 0},
      {"1a", false, 0},
      {"99999999999999999999999", false, 0},
      {"4294967296", false, 0},
  };
  for (const auto& c : cases) {
    INFO(c.input);
    auto got = parse_number(c.input, 4294967295ULL);
    REQUIRE(got.has_value() == c.ok);
    if (c.ok) CHECK(*got == c.want);
  }
}

TEST_CASE("listing: bad lines name the problem", "[pop3][client]") {
  ListingLimits limits;
  limits.max_messages = 10;
  limits.max_uid = 4;
  CHECK(psyncd::pop3::parse_uidl_line("11 a", limits).error().text ==
        "bad message number in \"11 a\"");
  CHECK(psyncd::pop3::parse_uidl_line("1 abcde", limits).error().text ==
        "unique-id longer than 4 bytes for message 1");
  CHECK(psyncd::pop3::parse_list_line("1", limits).error().text == "bad size in \"1\"");
  CHECK(psyncd::pop3::parse_stat("3", limits).error().text == "bad reply \"3\"");
  auto st = psyncd::pop3::parse_stat("3 300 extra", limits);
  REQUIRE(st.ok());
  CHECK(st->octets == 300);
}
