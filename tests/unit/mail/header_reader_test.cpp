#include "mail/header_reader.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/support/mail/header_feed.hpp"

using namespace psyncd;
using namespace psyncd::mail;

namespace {

// "name=value@line" per header, "|" between; problems as "line: text", "\n" between.
std::string render(const HeaderBlock& b) {
  std::string s;
  for (const auto& h : b.headers) {
    if (!s.empty()) s += "|";
    s += h.name + "=" + h.value + "@" + std::to_string(h.line);
  }
  for (const auto& p : b.problems) s += "\n" + p.to_string();
  return s;
}

struct Case {
  const char* name;
  std::string input;
  std::string want;
};

}  // namespace

TEST_CASE("header reader: table") {
  const std::vector<Case> cases = {
      {"simple", "To: a@b\nCc: c@d\n\nbody", "To=a@b@1|Cc=c@d@2"},
      {"folded To list", "To: a@b,\n  c@d,\n\te@f\nSubject: x\n\n",
       "To=a@b,  c@d,\te@f@1|Subject=x@4"},
      {"value on the next line", "To:\n   a@b\n\n", "To=a@b@1"},
      {"leading spaces trimmed, trailing kept", "Subject:  \t hi  \n\n", "Subject=hi  @1"},
      {"name untrimmed like XMail", "To : a@b\n\n", "To =a@b@1"},
      {"empty value", "X-Empty:\n\n", "X-Empty=@1"},
      {"colon in value", "Date: Mon, 1 Jan 2024 10:00:00\n\n", "Date=Mon, 1 Jan 2024 10:00:00@1"},
      {"no final line end", "To: a@b", "To=a@b@1"},
      {"stops at first empty line", "To: a@b\n\nCc: not@header\n", "To=a@b@1"},
      {"encoded word kept", "Subject: =?utf-8?Q?J=C3=B6rg?=\n\n",
       "Subject==?utf-8?Q?J=C3=B6rg?=@1"},
      {"8-bit value kept", "Subject: caf\xc3\xa9\n\n", "Subject=caf\xc3\xa9@1"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      CHECK(render(read_headers(c.input)) == c.want);
      CHECK(render(test::read_headers_bytewise(c.input)) == c.want);
      // CRLF gives the same headers: CR is part of the line end, not the value.
      CHECK(render(read_headers(test::to_crlf(c.input))) == c.want);
      CHECK(render(test::read_headers_bytewise(test::to_crlf(c.input))) == c.want);
    }
  }
}

TEST_CASE("header reader: bad input") {
  const std::vector<Case> cases = {
      {"no colon: reported, next header kept", "To: a@b\ngarbage line\nCc: c@d\n\n",
       "To=a@b@1|Cc=c@d@3\nheaders:2: no colon in header line \"garbage line\" (skipped)"},
      {"continuation after junk is not glued", "To: a@b\njunk\n  more\nCc: c@d\n\n",
       "To=a@b@1|Cc=c@d@4\nheaders:2: no colon in header line \"junk\" (skipped)\n"
       "headers:3: continuation line with no header before it: \"  more\" (skipped)"},
      {"continuation first", " x@y\nTo: a@b\n\n",
       "To=a@b@2\nheaders:1: continuation line with no header before it: \" x@y\" (skipped)"},
      {"empty name", ": a@b\nTo: c@d\n\n",
       "To=c@d@2\nheaders:1: empty header name in \": a@b\" (skipped)"},
      {"control bytes escaped in message", "bad\x01line\nTo: c@d\n\n",
       "To=c@d@2\nheaders:1: no colon in header line \"bad\\x01line\" (skipped)"},
      {"long junk line cut in message", std::string(50, 'x') + "\nTo: c@d\n\n",
       "To=c@d@2\nheaders:1: no colon in header line \"" + std::string(40, 'x') +
           "...\" (skipped)"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      CHECK(render(read_headers(c.input)) == c.want);
      CHECK(render(test::read_headers_bytewise(c.input)) == c.want);
      CHECK(render(read_headers(test::to_crlf(c.input))) == c.want);
    }
  }
}

TEST_CASE("header reader: body offset and completeness") {
  std::string msg = "To: a@b\r\nCc: c@d\r\n\r\nbody\r\n";
  HeaderReader r;
  std::size_t used = r.feed(msg);
  CHECK(r.done());
  CHECK(r.block().complete);
  CHECK(used == 20);
  CHECK(r.block().body_offset == 20);
  CHECK(msg.substr(r.block().body_offset) == "body\r\n");
  CHECK(r.feed("more") == 0);

  HeaderBlock partial = read_headers("To: a@b\n");
  CHECK_FALSE(partial.complete);
  CHECK_FALSE(partial.capped);
  CHECK(partial.headers.size() == 1);
}

TEST_CASE("header reader: caps") {
  SECTION("header count") {
    std::string msg;
    for (int i = 0; i < 5; ++i) msg += "X-N: " + std::to_string(i) + "\n";
    msg += "\n";
    HeaderBlock b = read_headers(msg, HeaderLimits{1024, 3});
    CHECK(b.capped);
    CHECK_FALSE(b.complete);
    REQUIRE(b.headers.size() == 3);
    CHECK(b.headers[2].value == "2");
    REQUIRE(b.problems.size() == 1);
    CHECK(b.problems[0].to_string() == "headers:4: more than 3 headers: the rest is not read");
  }
  SECTION("total bytes: the cut line is dropped") {
    std::string msg = "To: a@b\nCc: cccccccccc@dddddddddd\n\n";
    HeaderBlock b = read_headers(msg, HeaderLimits{20, 1000});
    CHECK(b.capped);
    CHECK(render(b) ==
          "To=a@b@1\nheaders:2: header block larger than 20 bytes: the rest is not read");
    HeaderBlock bytewise = test::read_headers_bytewise(msg, HeaderLimits{20, 1000});
    CHECK(render(bytewise) == render(b));
  }
  SECTION("exactly at the limit is not capped") {
    std::string msg = "To: a@b\n\n";
    HeaderBlock b = read_headers(msg, HeaderLimits{msg.size(), 1});
    CHECK_FALSE(b.capped);
    CHECK(b.complete);
  }
}

TEST_CASE("header names match case-insensitively, untrimmed") {
  CHECK(header_name_is("TO", "to"));
  CHECK(header_name_is("x-deliver-to", "X-Deliver-To"));
  CHECK_FALSE(header_name_is("To ", "To"));
  CHECK_FALSE(header_name_is("Tox", "To"));
}

TEST_CASE("header reader: bad lines beyond the problem cap are not listed, caps still are") {
  std::string msg = "a\nb\nc\nd\nX: 1\nY: 2\n\n";
  HeaderBlock b = read_headers(msg, HeaderLimits{1024, 1, 2});
  CHECK(render(b) ==
        "X=1@5\n"
        "headers:1: no colon in header line \"a\" (skipped)\n"
        "headers:2: no colon in header line \"b\" (skipped)\n"
        "headers:3: more bad header lines (not listed)\n"
        "headers:6: more than 1 headers: the rest is not read");
}
