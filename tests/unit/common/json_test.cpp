// common/json: the strict JSON reader, table-driven: good documents and what they hold, bad
// ones and the exact complaint.
#include "common/json.hpp"

#include <catch2/catch.hpp>
#include <string>

using psyncd::json::parse;
using psyncd::json::Value;

TEST_CASE("json: a token endpoint answer", "[json]") {
  auto v = parse(R"({"token_type":"Bearer","expires_in":3599,"access_token":"eyJ0.a-b_c",
                     "refresh_token":"M.R3_BAY","scope":"https://mail.google.com/",
                     "ext":{"a":[1,2.5e3,-0.5,true,false,null,"x"]}})");
  REQUIRE(v);
  CHECK(v->type == Value::Type::object);
  CHECK(v->string_member("access_token") == "eyJ0.a-b_c");
  CHECK(v->string_member("scope") == "https://mail.google.com/");
  CHECK(v->integer_member("expires_in", 1u << 30) == 3599u);
  CHECK_FALSE(v->string_member("expires_in"));  // a number, not a string
  CHECK_FALSE(v->integer_member("token_type", 10));
  CHECK_FALSE(v->find("missing"));
  const Value* ext = v->find("ext");
  REQUIRE(ext);
  const Value* a = ext->find("a");
  REQUIRE(a);
  REQUIRE(a->items.size() == 7);
  CHECK(a->items[1].text == "2.5e3");
  CHECK(a->items[3].type == Value::Type::boolean);
  CHECK(a->items[3].boolean);
  CHECK(a->items[5].type == Value::Type::null);
}

TEST_CASE("json: strings and escapes", "[json]") {
  struct Case {
    const char* in;
    std::string want;
  };
  const Case cases[] = {
      {R"("a\"b\\c\/d")", "a\"b\\c/d"},
      {R"("\b\f\n\r\t")", "\b\f\n\r\t"},
      {R"("\u0041\u00e9\u20AC")", "A\xC3\xA9\xE2\x82\xAC"},
      {R"("\ud83d\ude00")", "\xF0\x9F\x98\x80"},
      {"\"\xC3\xA9\xF0\x9F\x98\x80\"", "\xC3\xA9\xF0\x9F\x98\x80"},
      {R"("")", ""},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    auto v = parse(c.in);
    REQUIRE(v);
    CHECK(v->type == Value::Type::string);
    CHECK(v->text == c.want);
  }
}

TEST_CASE("json: integer members", "[json]") {
  auto v = parse(R"({"n":"3600","z":0,"neg":-1,"frac":1.5,"big":99999999999})");
  REQUIRE(v);
  CHECK(v->integer_member("n", 1000000) == 3600u);  // some endpoints send it as a string
  CHECK(v->integer_member("z", 10) == 0u);
  CHECK_FALSE(v->integer_member("neg", 10));
  CHECK_FALSE(v->integer_member("frac", 10));
  CHECK_FALSE(v->integer_member("big", 1000000));
}

TEST_CASE("json: bad documents name the byte and the fault", "[json]") {
  struct Case {
    std::string in;
    const char* want;
  };
  const Case cases[] = {
      {"", "JSON: byte 1: not a JSON value"},
      {"{", "JSON: byte 2: want a member name in double quotes"},
      {R"({"a":1,})", "JSON: byte 8: want a member name in double quotes"},
      {R"({"a":1 "b":2})", "JSON: byte 8: want ',' or '}' after a member"},
      {R"({"a" 1})", "JSON: byte 6: want ':' after a member name"},
      {R"({"a":1,"a":2})", "JSON: byte 11: member name given twice"},
      {"[1,]", "JSON: byte 4: not a JSON value"},
      {"[1 2]", "JSON: byte 4: want ',' or ']' after an array item"},
      {"{} {}", "JSON: byte 4: text after the value"},
      {"01", "JSON: byte 2: text after the value"},
      {"1.", "JSON: byte 3: want digits after '.'"},
      {"1e", "JSON: byte 3: want digits in the exponent"},
      {"-", "JSON: byte 2: not a JSON value"},
      {"tru", "JSON: byte 1: unknown word (want true, false, null)"},
      {"\"abc", "JSON: byte 5: string not closed"},
      {"\"a\nb\"", "JSON: byte 3: control byte in a string"},
      {R"("\x")", "JSON: byte 3: unknown escape"},
      {R"("\u12")", "JSON: byte 6: want 4 hex digits after \\u"},
      {R"("\udc00")", "JSON: byte 8: lone low surrogate in \\u escape"},
      {R"("\ud800x")", "JSON: byte 8: high surrogate without its low half"},
      {R"("\ud800\u0041")", "JSON: byte 14: high surrogate without its low half"},
      {"\"\xC0\xAF\"", "JSON: byte 2: bad UTF-8"},          // overlong '/'
      {"\"\xED\xA0\x80\"", "JSON: byte 2: bad UTF-8"},      // a surrogate
      {"\"\xF4\x90\x80\x80\"", "JSON: byte 2: bad UTF-8"},  // above U+10FFFF
      {"\"\xE2\x82\"", "JSON: byte 2: bad UTF-8"},          // cut short
      {"\"\xFF\"", "JSON: byte 2: bad UTF-8"},
      {std::string("{\"a\":1}\0", 8), "JSON: byte 8: text after the value"},
      {"// c\n{}", "JSON: byte 1: not a JSON value"},
      {std::string(33, '[') + std::string(33, ']'), "JSON: byte 33: nested deeper than 32 levels"},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    auto v = parse(c.in);
    REQUIRE_FALSE(v);
    CHECK(v.error().kind == psyncd::ErrorKind::protocol);
    CHECK(v.error().text == c.want);
  }
}

TEST_CASE("json: nesting up to 32 levels and the size cap", "[json]") {
  CHECK(parse(std::string(32, '[') + std::string(32, ']')));
  auto big = parse("\"" + std::string(100, 'a') + "\"", 50);
  REQUIRE_FALSE(big);
  CHECK(big.error().text == "JSON: 102 bytes, more than the 50 allowed");
}
