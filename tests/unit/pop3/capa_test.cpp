#include "pop3/capa.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using psyncd::pop3::build_capa;
using psyncd::pop3::Capabilities;
using psyncd::pop3::parse_capa_line;

TEST_CASE("parse_capa_line reads Dovecot's list") {
  Capabilities caps;
  for (const char* line : {"CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE",
                           "sasl plain LOGIN cram-md5", "STLS", "USER",
                           "IMPLEMENTATION Dovecot 2.3", "EXPIRE NEVER", "LOGIN-DELAY 900"}) {
    REQUIRE(parse_capa_line(line, caps).ok());
  }
  CHECK(caps.top);
  CHECK(caps.uidl);
  CHECK(caps.resp_codes);
  CHECK(caps.pipelining);
  CHECK(caps.auth_resp_code);
  CHECK(caps.stls);
  CHECK(caps.user);
  CHECK(caps.sasl == std::vector<std::string>{"PLAIN", "LOGIN", "CRAM-MD5"});
  CHECK(caps.has_sasl("cram-md5"));
  CHECK_FALSE(caps.has_sasl("GSSAPI"));
  CHECK(caps.implementation == "Dovecot 2.3");
  CHECK(caps.expire == "NEVER");
  CHECK(caps.login_delay == "900");
  CHECK(caps.other == std::vector<std::string>{"CAPA"});
}

TEST_CASE("parse_capa_line: bad input") {
  struct Case {
    const char* name;
    std::string line;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"empty", "", "empty CAPA line"},
      {"blanks", "  \t", "empty CAPA line"},
      {"sasl without mechanism", "SASL", "CAPA SASL line lists no mechanism"},
      {"control byte", "TOP\x01", "CAPA line holds a control or non-ASCII byte: \"TOP\\x01\""},
      {"non ascii", "TOP\xc3\xa9",
       "CAPA line holds a control or non-ASCII byte: \"TOP\\xc3\\xa9\""},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    Capabilities caps;
    auto r = parse_capa_line(c.line, caps);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().text == c.want);
  }
}

TEST_CASE("build_capa renders the list and parses back") {
  Capabilities caps;
  caps.top = caps.user = caps.uidl = caps.pipelining = caps.resp_codes = caps.auth_resp_code = true;
  caps.stls = true;
  caps.sasl = {"PLAIN", "SCRAM-SHA-256"};
  caps.implementation = "psyncd";
  const std::string want =
      "+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nPIPELINING\r\nRESP-CODES\r\n"
      "AUTH-RESP-CODE\r\nSASL PLAIN SCRAM-SHA-256\r\nSTLS\r\nIMPLEMENTATION psyncd\r\n.\r\n";
  CHECK(build_capa(caps) == want);
  Capabilities back;
  std::string_view body(want);
  body.remove_prefix(body.find('\n') + 1);
  while (body != ".\r\n") {
    const auto eol = body.find("\r\n");
    REQUIRE(parse_capa_line(body.substr(0, eol), back).ok());
    body.remove_prefix(eol + 2);
  }
  CHECK(back.sasl == caps.sasl);
  CHECK(back.stls);
  CHECK(back.implementation == "psyncd");
  CHECK(build_capa(Capabilities{}) == "+OK Capability list follows\r\n.\r\n");
}
