// common/ascii.hpp: case folding touches A-Z and a-z only, whatever the locale; hex digits.
#include "common/ascii.hpp"

#include <catch2/catch.hpp>
#include <clocale>

using namespace psyncd;

TEST_CASE("ascii_lower and ascii_upper fold ASCII letters only", "[ascii]") {
  CHECK(ascii_lower("Example.TEST") == "example.test");
  CHECK(ascii_upper("retr 1") == "RETR 1");
  CHECK(ascii_lower("\xC3\x89") == "\xC3\x89");  // UTF-8 É stays as it is
  CHECK(ascii_upper("\xC3\xA9") == "\xC3\xA9");
  CHECK(ascii_lower("[@`{") == "[@`{");  // the neighbours of A-Z and a-z
  CHECK(ascii_upper("[@`{") == "[@`{");
  CHECK(ascii_lower('Z') == 'z');
  CHECK(ascii_upper('a') == 'A');
  CHECK(ascii_lower("") == "");
}

TEST_CASE("iequals and istarts_with compare folded ASCII", "[ascii]") {
  CHECK(iequals("XMailUser", "xmailuser"));
  CHECK(iequals("", ""));
  CHECK_FALSE(iequals("abc", "abd"));
  CHECK_FALSE(iequals("abc", "ab"));
  CHECK_FALSE(iequals("[", "{"));  // 0x5B vs 0x7B differ by 0x20 but are not letters
  CHECK_FALSE(iequals("\xC3\x89", "\xC3\xA9"));
  CHECK(istarts_with("+ok done", "+OK"));
  CHECK(istarts_with("-Err", "-ERR"));
  CHECK(istarts_with("x", ""));
  CHECK_FALSE(istarts_with("+O", "+OK"));
  CHECK_FALSE(istarts_with("+OX", "+OK"));
}

TEST_CASE("ASCII folding ignores the process locale", "[ascii]") {
  // In a Latin-1 locale std::tolower(0xC9) is 0xE9; ours must not change the byte.
  const char* set = std::setlocale(LC_CTYPE, "de_DE.ISO-8859-1");
  CHECK(ascii_lower("\xC9") == "\xC9");
  CHECK_FALSE(iequals("\xC9", "\xE9"));
  if (set != nullptr) std::setlocale(LC_CTYPE, "C");
}
