#include <catch2/catch.hpp>

#include "common/fs.hpp"
#include "psync/authtype.hpp"
#include "tests/support/link_problem_texts.hpp"

using namespace psyncd;
using namespace psyncd::psync;

namespace {

std::vector<std::string> texts(const ParsedAuthtype& p) { return test::problem_texts(p.problems); }

}  // namespace

TEST_CASE("authtype: XMail tokens keep their meaning") {
  struct Case {
    const char* name;
    const char* input;
    AuthMethod method;
    TlsMode tls;
    bool leave;
  };
  const Case cases[] = {
      {"empty", "", AuthMethod::user_pass, TlsMode::none, false},
      {"CLR", "CLR", AuthMethod::user_pass, TlsMode::none, false},
      {"APOP", "APOP", AuthMethod::apop, TlsMode::none, false},
      {"FAPOP", "FAPOP", AuthMethod::force_apop, TlsMode::none, false},
      {"STLS", "STLS", AuthMethod::user_pass, TlsMode::starttls, false},
      {"FSTLS", "FSTLS,APOP", AuthMethod::apop, TlsMode::force_starttls, false},
      {"POP3S", "POP3S", AuthMethod::user_pass, TlsMode::implicit, false},
      {"Leave", "Leave", AuthMethod::user_pass, TlsMode::none, true},
      {"Leave=1", "Leave=1", AuthMethod::user_pass, TlsMode::none, true},
      {"Leave=0 is off", "CLR,Leave=0", AuthMethod::user_pass, TlsMode::none, false},
      {"CR LF separators and empty tokens", ",APOP\r\nLeave,,", AuthMethod::apop, TlsMode::none,
       true},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    ParsedAuthtype p = parse_authtype(c.input);
    CHECK(p.problems.empty());
    CHECK(p.options.method == c.method);
    CHECK(p.options.tls == c.tls);
    CHECK(p.options.leave == c.leave);
    CHECK(p.options.verify_peer);
  }
}

TEST_CASE("authtype: OutBind") {
  ParsedAuthtype p = parse_authtype("OutBind=10.0.0.1,OutBind=10.0.0.2:2000");
  CHECK(p.options.has_out_bind);
  CHECK(p.options.out_bind == RemoteAddress{"10.0.0.2", 2000});
  CHECK(texts(p) == std::vector<std::string>{
                        "warning: field 6 (authtype): token \"OutBind\" given more than once "
                        "(the last one wins)"});
  ParsedAuthtype bare = parse_authtype("OutBind");
  CHECK_FALSE(bare.options.has_out_bind);
  CHECK(texts(bare) ==
        std::vector<std::string>{"warning: field 6 (authtype): token \"OutBind\" has no address "
                                 "(ignored, as XMail does)"});
  CHECK(parse_authtype("OutBind=10.0.0.1").options.out_bind == RemoteAddress{"10.0.0.1", 0});
}

TEST_CASE("authtype: extensions") {
  ParsedAuthtype p =
      parse_authtype("POP3S,NoVerify,Pin=sha256:AB:" + std::string(62, 'c') +
                     ",SASL=scram-sha-256,KeepDays=7,UseTop,MaxSize=20m,SizeAction=delete");
  CHECK(texts(p).empty());
  const AuthOptions& o = p.options;
  CHECK_FALSE(o.verify_peer);
  CHECK(o.pin_sha256 == "ab" + std::string(62, 'c'));
  CHECK(o.method == AuthMethod::sasl);
  CHECK(o.sasl == SaslMech::scram_sha256);
  CHECK(o.keep_days == 7);
  CHECK(o.leave);  // KeepDays implies Leave
  CHECK(o.use_top);
  CHECK(o.max_size == 20u * 1024 * 1024);
  CHECK(o.size_action == SizeAction::del);
  CHECK(parse_authtype("MaxSize=800k").options.max_size == 800u * 1024);
  CHECK(parse_authtype("MaxSize=500000").options.max_size == 500000u);
  for (const char* mech : {"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256"}) {
    INFO(mech);
    ParsedAuthtype s = parse_authtype(std::string("SASL=") + mech);
    CHECK(s.problems.empty());
    CHECK(std::string(to_string(s.options.sasl)) == mech);
  }
}

TEST_CASE("authtype: bad input") {
  struct Case {
    const char* name;
    std::string input;
    std::vector<std::string> want;
  };
  const std::string f = "field 6 (authtype): ";
  const std::string w = "warning: " + f;
  const Case cases[] = {
      {"unknown token", "Levae", {w + "unknown token \"Levae\" (ignored)"}},
      {"wrong case",
       "apop",
       {w + "unknown token \"apop\" (ignored; option names are "
            "case-sensitive: \"APOP\")"}},
      {"spaces", "APOP, Leave", {w + "unknown token \" Leave\" (ignored; spaces are not trimmed)"}},
      {"unknown with value", "Timeout=30", {w + "unknown token \"Timeout=30\" (ignored)"}},
      {"flag with value", "APOP=1", {w + "token \"APOP=1\": value ignored"}},
      {"repeated", "APOP,APOP", {w + "token \"APOP\" given more than once (the last one wins)"}},
      {"POP3S+STLS", "POP3S,STLS", {f + "tokens \"POP3S\" and \"STLS\" contradict each other"}},
      {"POP3S+FSTLS", "FSTLS,POP3S", {f + "tokens \"POP3S\" and \"FSTLS\" contradict each other"}},
      {"STLS+FSTLS", "STLS,FSTLS", {f + "tokens \"STLS\" and \"FSTLS\" contradict each other"}},
      {"APOP+FAPOP", "APOP,FAPOP", {f + "tokens \"APOP\" and \"FAPOP\" contradict each other"}},
      {"CLR+APOP", "CLR,APOP", {f + "tokens \"CLR\" and \"APOP\" contradict each other"}},
      {"CLR+FAPOP", "FAPOP,CLR", {f + "tokens \"CLR\" and \"FAPOP\" contradict each other"}},
      {"SASL+APOP", "APOP,SASL=PLAIN", {f + "tokens \"APOP\" and \"SASL\" contradict each other"}},
      {"KeepDays+Leave=0",
       "Leave=0,KeepDays=3",
       {f + "tokens \"KeepDays\" and \"Leave=0\" contradict each other"}},
      {"Leave not a number", "Leave=yes", {f + "token \"Leave=yes\": value is not a number"}},
      {"Leave signed", "Leave=+1", {f + "token \"Leave=+1\": value is not a number"}},
      {"OutBind bad port",
       "OutBind=1.2.3.4:x",
       {f +
        "token \"OutBind=1.2.3.4:x\": \"1.2.3.4:x\": port \"x\" is not a number from 1 to 65535"}},
      {"Pin too short",
       "STLS,Pin=sha256:abcd",
       {f + "token \"Pin=sha256:abcd\": want sha256: and 64 hex digits"}},
      {"Pin wrong hash",
       "STLS,Pin=md5:" + std::string(64, 'a'),
       {f + "token \"Pin=md5:" + std::string(64, 'a') + "\": want sha256: and 64 hex digits"}},
      {"Pin without value", "STLS,Pin", {f + "token \"Pin\": missing value"}},
      {"SASL unknown",
       "SASL=GSSAPI",
       {f + "token \"SASL=GSSAPI\": unknown mechanism (want PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1 "
            "or SCRAM-SHA-256)"}},
      {"KeepDays zero",
       "KeepDays=0",
       {f + "token \"KeepDays=0\": want a number of days from 1 to 36500"}},
      {"KeepDays space",
       "KeepDays= 3",
       {f + "token \"KeepDays= 3\": want a number of days from 1 to 36500"}},
      {"MaxSize unit",
       "MaxSize=3g",
       {f + "token \"MaxSize=3g\": want a size such as 500000, 800k or 20m"}},
      {"MaxSize unit only",
       "MaxSize=k",
       {f + "token \"MaxSize=k\": want a size such as 500000, 800k or 20m"}},
      {"SizeAction bad",
       "MaxSize=1k,SizeAction=drop",
       {f + "token \"SizeAction=drop\": want skip or delete"}},
      {"SizeAction alone",
       "SizeAction=skip",
       {w + "token \"SizeAction\" has no effect without MaxSize"}},
      {"NoVerify without TLS",
       "NoVerify",
       {w + "token \"NoVerify\" has no effect without STLS, FSTLS or POP3S"}},
      {"Pin without TLS",
       "Pin=sha256:" + std::string(64, 'a'),
       {f + "token \"Pin\" needs STLS, FSTLS or POP3S"}},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    ParsedAuthtype p = parse_authtype(c.input);
    CHECK(texts(p) == c.want);
  }
}

TEST_CASE("authtype: unknown tokens are kept in order") {
  ParsedAuthtype p = parse_authtype("Foo,APOP,Bar=1");
  CHECK(p.options.unknown == std::vector<std::string>{"Foo", "Bar=1"});
  CHECK(p.options.method == AuthMethod::apop);
  CHECK_FALSE(has_errors(p.problems));
}

TEST_CASE("authtype: every token is documented in the header") {
  std::string header = *fs::read_file(std::string(PSYNCD_SOURCE_DIR) + "/psync/authtype.hpp");
  for (const char* token : {"CLR", "APOP", "FAPOP", "STLS", "FSTLS", "POP3S", "Leave", "Leave=N",
                            "OutBind=addr", "NoVerify", "Pin=sha256:", "SASL=", "KeepDays=N",
                            "UseTop", "MaxSize=N", "SizeAction=skip|delete"}) {
    INFO(token);
    CHECK(header.find(token) != std::string::npos);
    // And the parser knows it: no "unknown token" warning.
    std::string name = std::string(token).substr(0, std::string(token).find('='));
    for (const Problem& p : parse_authtype(name).problems)
      CHECK(p.error.text.find("unknown token") == std::string::npos);
  }
}
