#include "spool/password.hpp"

#include <catch2/catch.hpp>

using namespace psyncd;
using namespace psyncd::spool;

TEST_CASE("encode_password: XOR 0x65, two lowercase hex digits per byte") {
  struct Case {
    const char* name;
    std::string input;
    std::string want;
  };
  const Case cases[] = {
      {"shipped sample", "xmail", "1d08040c09"}, {"empty", "", ""},
      {"byte equal to key", "e", "00"},          {"high bit", "\xff", "9a"},
      {"digits and upper case", "A1", "2454"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(encode_password(c.input) == c.want);
  }
}

TEST_CASE("decode_password: inverse of encode, upper case accepted, NUL truncates") {
  struct Case {
    const char* name;
    std::string input;
    std::string want;
  };
  const Case cases[] = {
      {"shipped sample", "1d08040c09", "xmail"},
      {"upper case hex", "1D08040C09", "xmail"},
      {"empty", "", ""},
      {"high bit", "9a", "\xff"},
      {"NUL ends it", "1d08650c09", "xm"},
      {"NUL first", "65", ""},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = decode_password(c.input);
    REQUIRE(r.ok());
    CHECK(*r == c.want);
  }
  for (int b = 1; b < 256; ++b) {
    std::string plain(1, static_cast<char>(b));
    CHECK(decode_password(encode_password(plain)).value() == plain);
  }
}

TEST_CASE("decode_password: bad input, exact messages") {
  struct Case {
    const char* name;
    std::string input;
    std::string want;
  };
  // Text that is not XMail's encoding is most often a password written in clear.
  const std::string hint = "; a plain password? encode it with xmcrypt";
  const Case cases[] = {
      {"odd length", "1d0", "password: odd number of hex digits (3)" + hint},
      {"non-hex first pair", "zz08", "password: bad hex pair at offset 0" + hint},
      {"non-hex second digit", "1d0g", "password: bad hex pair at offset 2" + hint},
      {"space (sscanf would accept)", " 1", "password: bad hex pair at offset 0" + hint},
      {"sign (sscanf would accept)", "+1", "password: bad hex pair at offset 0" + hint},
      {"a plain password", "secret", "password: bad hex pair at offset 0" + hint},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = decode_password(c.input);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::config);
    CHECK(r.error().to_string() == c.want);
  }
}
