// common/hex.hpp: hex digits read strictly, bytes written as lower-case hex.
#include "common/hex.hpp"

#include <catch2/catch.hpp>

using namespace psyncd;

TEST_CASE("hex_value and is_hex_digit", "[hex]") {
  CHECK(hex_value('0') == 0);
  CHECK(hex_value('9') == 9);
  CHECK(hex_value('a') == 10);
  CHECK(hex_value('F') == 15);
  CHECK(is_hex_digit('e'));
  for (char c : {'g', 'G', '/', ':', '@', '`', ' ', '+', '\0', '\xff'}) {
    INFO(static_cast<int>(c));
    CHECK(hex_value(c) == -1);
    CHECK_FALSE(is_hex_digit(c));
  }
}

TEST_CASE("hex_pair: two digits make a byte, anything else is -1", "[hex]") {
  CHECK(hex_pair('0', '0') == 0);
  CHECK(hex_pair('7', 'f') == 0x7f);
  CHECK(hex_pair('F', 'f') == 0xff);
  CHECK(hex_pair('2', 'D') == '-');
  CHECK(hex_pair(' ', '1') == -1);  // sscanf("%x") would take it
  CHECK(hex_pair('1', 'g') == -1);
  CHECK(hex_pair('-', '1') == -1);
}

TEST_CASE("to_hex writes two lower-case digits per byte", "[hex]") {
  CHECK(to_hex("") == "");
  CHECK(to_hex(std::string("\x00\x01\xab\xff", 4)) == "0001abff");
  CHECK(to_hex("Az") == "417a");
}
