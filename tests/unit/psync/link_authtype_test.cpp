#include "psync/link_authtype.hpp"

#include <catch2/catch.hpp>

#include "common/fs.hpp"
#include "tests/support/psync/link_problem_texts.hpp"

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
                        "warning: field 6 (authtype): token \"OutBind\" given more than once: "
                        "XMail uses the last one with an address, \"OutBind=10.0.0.2:2000\""});
  ParsedAuthtype bare = parse_authtype("OutBind");
  CHECK_FALSE(bare.options.has_out_bind);
  CHECK(texts(bare) ==
        std::vector<std::string>{"warning: field 6 (authtype): token \"OutBind\" has no address "
                                 "(ignored, as XMail does)"});
  CHECK(parse_authtype("OutBind=10.0.0.1").options.out_bind == RemoteAddress{"10.0.0.1", 0});
  // XMail would bind to "" and fail every connect; psyncd keeps the address it had.
  ParsedAuthtype empty = parse_authtype("OutBind=10.0.0.1,OutBind=");
  CHECK(empty.options.out_bind == RemoteAddress{"10.0.0.1", 0});
  CHECK(texts(empty) ==
        std::vector<std::string>{"warning: field 6 (authtype): \"OutBind=\": no address; XMail "
                                 "would fail every connect of this link, psyncd ignores it"});
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
  for (const char* mech :
       {"PLAIN", "LOGIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256", "XOAUTH2", "OAUTHBEARER"}) {
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
      {"unknown token", "Frobnicate", {w + "unknown token \"Frobnicate\" (ignored)"}},
      {"wrong case, harmless",
       "STLS,apop",
       {w + "unknown token \"apop\" (ignored; option names are "
            "case-sensitive: \"APOP\")"}},
      {"spaces, harmless",
       "STLS, APOP",
       {w + "unknown token \" APOP\" (ignored; spaces are not trimmed)"}},
      {"unknown with value", "Timeout=30", {w + "unknown token \"Timeout=30\" (ignored)"}},
      {"flag with value", "APOP=1", {w + "token \"APOP=1\": value ignored"}},
      {"SASL+APOP", "APOP,SASL=PLAIN", {f + "tokens \"APOP\" and \"SASL\" contradict each other"}},
      {"SASL+FAPOP",
       "SASL=PLAIN,FAPOP",
       {f + "tokens \"FAPOP\" and \"SASL\" contradict each other"}},
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
       {f + "token \"SASL=GSSAPI\": unknown mechanism (want PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, "
            "SCRAM-SHA-256, XOAUTH2 or OAUTHBEARER)"}},
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

// What XMail 1.27 makes of each (UPopChanConfigAssign sets flag bits, UPopCreateChannel reads
// them): the line runs, and --check says which meaning it runs with.
TEST_CASE("authtype: combinations XMail accepts run with XMail's meaning") {
  struct Case {
    const char* input;
    AuthMethod method;
    TlsMode tls;
    bool leave;
    std::vector<std::string> want;
  };
  const std::string w = "warning: field 6 (authtype): ";
  const std::string d = "dangerous: field 6 (authtype): ";
  const std::string apop_meaning =
      "XMail uses APOP (CLR means nothing to XMail; APOP falls back to USER/PASS when the "
      "greeting has no timestamp or the server refuses it)";
  const std::string pop3s_meaning =
      "XMail uses POP3S (TLS from the first byte; STLS is never sent on it)";
  const Case cases[] = {
      {"CLR,APOP", AuthMethod::apop, TlsMode::none, false, {w + "\"CLR,APOP\": " + apop_meaning}},
      {"APOP,CLR", AuthMethod::apop, TlsMode::none, false, {w + "\"APOP,CLR\": " + apop_meaning}},
      {"CLR,FAPOP",
       AuthMethod::force_apop,
       TlsMode::none,
       false,
       {w + "\"CLR,FAPOP\": XMail uses FAPOP (APOP only, no USER/PASS fallback; CLR means "
            "nothing to XMail)"}},
      {"APOP,FAPOP",
       AuthMethod::force_apop,
       TlsMode::none,
       false,
       {w + "\"APOP,FAPOP\": XMail uses FAPOP (APOP only, no USER/PASS fallback)"}},
      {"FAPOP,APOP,CLR",
       AuthMethod::force_apop,
       TlsMode::none,
       false,
       {w + "\"FAPOP,APOP,CLR\": XMail uses FAPOP (APOP only, no USER/PASS fallback; CLR "
            "means nothing to XMail)"}},
      {"POP3S,STLS",
       AuthMethod::user_pass,
       TlsMode::implicit,
       false,
       {w + "\"POP3S,STLS\": " + pop3s_meaning}},
      {"FSTLS,POP3S",
       AuthMethod::user_pass,
       TlsMode::implicit,
       false,
       {w + "\"FSTLS,POP3S\": " + pop3s_meaning}},
      {"STLS,FSTLS,POP3S",
       AuthMethod::user_pass,
       TlsMode::implicit,
       false,
       {w + "\"STLS,FSTLS,POP3S\": " + pop3s_meaning}},
      {"FSTLS,STLS",
       AuthMethod::user_pass,
       TlsMode::force_starttls,
       false,
       {w + "\"FSTLS,STLS\": XMail uses FSTLS (the link fails when STLS is refused)"}},
      {"APOP,APOP",
       AuthMethod::apop,
       TlsMode::none,
       false,
       {w + "token \"APOP\" given more than once (the same as once)"}},
      // atoi("yes") is 0: XMail deletes the fetched mail from the server.
      {"Leave=yes",
       AuthMethod::user_pass,
       TlsMode::none,
       false,
       {d + "\"Leave=yes\": XMail reads the value as a number (atoi gives 0), so Leave is off "
            "and fetched mail is deleted from the server; write Leave or Leave=1 to keep it"}},
      {"Leave=",
       AuthMethod::user_pass,
       TlsMode::none,
       false,
       {d + "\"Leave=\": XMail reads the value as a number (atoi gives 0), so Leave is off and "
            "fetched mail is deleted from the server; write Leave or Leave=1 to keep it"}},
      {"Leave=-1",
       AuthMethod::user_pass,
       TlsMode::none,
       false,
       {d + "\"Leave=-1\": XMail reads the value as a number (atoi gives -1), so Leave is off "
            "and fetched mail is deleted from the server; write Leave or Leave=1 to keep it"}},
      {"Leave=yes,Leave",
       AuthMethod::user_pass,
       TlsMode::none,
       true,
       {w + "\"Leave=yes\": XMail reads the value as a number (atoi gives 0), which does not "
            "turn Leave on",
        w + "\"Leave=yes,Leave\": Leave given 2 times; XMail keeps mail on the server when any "
            "one of them turns Leave on, so Leave is on"}},
      {"Leave=+1",
       AuthMethod::user_pass,
       TlsMode::none,
       true,
       {w + "\"Leave=+1\": XMail reads the value as a number (atoi gives 1), so Leave is on"}},
      {"Leave= 2x",
       AuthMethod::user_pass,
       TlsMode::none,
       true,
       {w + "\"Leave= 2x\": XMail reads the value as a number (atoi gives 2), so Leave is on"}},
      // atoi() is (int)strtol(): 2^32 + 1 is 1, 2^31 is negative, 10^20 saturates to -1.
      {"Leave=4294967297",
       AuthMethod::user_pass,
       TlsMode::none,
       true,
       {w + "\"Leave=4294967297\": XMail reads the value as a number (atoi gives 1), so Leave "
            "is on"}},
      {"Leave=2147483648",
       AuthMethod::user_pass,
       TlsMode::none,
       false,
       {d + "\"Leave=2147483648\": XMail reads the value as a number (atoi gives -2147483648), "
            "so Leave is off and fetched mail is deleted from the server; write Leave or Leave=1 "
            "to keep it"}},
      {"Leave=99999999999999999999",
       AuthMethod::user_pass,
       TlsMode::none,
       false,
       {d + "\"Leave=99999999999999999999\": XMail reads the value as a number (atoi gives -1), "
            "so Leave is off and fetched mail is deleted from the server; write Leave or Leave=1 "
            "to keep it"}},
      {"Leave,Leave",
       AuthMethod::user_pass,
       TlsMode::none,
       true,
       {w + "\"Leave,Leave\": Leave given 2 times; XMail keeps mail on the server when any one "
            "of them turns Leave on, so Leave is on"}},
      // Leave=0 never turns Leave off again, whatever the order.
      {"Leave,Leave=0",
       AuthMethod::user_pass,
       TlsMode::none,
       true,
       {w + "\"Leave,Leave=0\": Leave given 2 times; XMail keeps mail on the server when any "
            "one of them turns Leave on, so Leave is on"}},
      {"Leave=0,Leave=1",
       AuthMethod::user_pass,
       TlsMode::none,
       true,
       {w + "\"Leave=0,Leave=1\": Leave given 2 times; XMail keeps mail on the server when any "
            "one of them turns Leave on, so Leave is on"}},
      {"Leave=0,Leave=0",
       AuthMethod::user_pass,
       TlsMode::none,
       false,
       {w + "\"Leave=0,Leave=0\": Leave given 2 times; XMail keeps mail on the server when any "
            "one of them turns Leave on, so Leave is off"}},
      {"CLR,SASL=PLAIN",
       AuthMethod::sasl,
       TlsMode::none,
       false,
       {w + "\"CLR,SASL=PLAIN\": SASL is used (CLR means nothing to XMail)"}},
      {"Leave=0,KeepDays=3",
       AuthMethod::user_pass,
       TlsMode::none,
       true,
       {w + "\"Leave=0\": no effect, KeepDays keeps mail on the server"}},
  };
  for (const Case& c : cases) {
    INFO(c.input);
    ParsedAuthtype p = parse_authtype(c.input);
    CHECK(texts(p) == c.want);
    CHECK_FALSE(has_errors(p.problems));
    CHECK(p.options.method == c.method);
    CHECK(p.options.tls == c.tls);
    CHECK(p.options.leave == c.leave);
  }
}

TEST_CASE("authtype: unknown tokens are kept in order") {
  ParsedAuthtype p = parse_authtype("Foo,APOP,Bar=1");
  CHECK(p.options.unknown == std::vector<std::string>{"Foo", "Bar=1"});
  CHECK(p.options.method == AuthMethod::apop);
  CHECK_FALSE(has_errors(p.problems));
}

TEST_CASE("authtype: every token is documented in the header") {
  std::string header = *fs::read_file(std::string(PSYNCD_SOURCE_DIR) + "/psync/link_authtype.hpp");
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

// A token that looks like a known one gets "did you mean"; when missing it costs mail or sends
// the password in clear it is a danger: --check fails, the link runs as XMail reads it.
TEST_CASE("authtype: misspelled tokens that matter are dangers") {
  struct Case {
    const char* name;
    std::string input;
    std::string want;
  };
  const std::string d = "dangerous: field 6 (authtype): ";
  const std::string w = "warning: field 6 (authtype): ";
  const std::string deleted = ": without it fetched mail is deleted from the server";
  const std::string clear =
      ": without it the link logs in without TLS (the password goes in clear)";
  const Case cases[] = {
      {"space before Leave", "STLS, Leave",
       d + "unknown token \" Leave\" (ignored; spaces are not trimmed)" + deleted},
      {"swapped letters", "Levae",
       d + "unknown token \"Levae\" (ignored; did you mean \"Leave\"?)" + deleted},
      {"wrong case", "leave",
       d + "unknown token \"leave\" (ignored; option names are case-sensitive: \"Leave\")" +
           deleted},
      {"KeepDays typo", "KeepDay=3",
       d + "unknown token \"KeepDay=3\" (ignored; did you mean \"KeepDays\"?)" + deleted},
      {"STARTTLS", "STARTTLS",
       d + "unknown token \"STARTTLS\" (ignored; did you mean \"STLS\"?)" + clear},
      {"SSL", "SSL,Leave", d + "unknown token \"SSL\" (ignored; did you mean \"POP3S\"?)" + clear},
      {"POP3S typo", "Leave,POPS3",
       d + "unknown token \"POPS3\" (ignored; did you mean \"POP3S\"?)" + clear},
      {"APOP typo without TLS", "Leave,APOPP",
       d + "unknown token \"APOPP\" (ignored; did you mean \"APOP\"?): without it the link logs in "
           "with USER/PASS without TLS (the password goes in clear)"},
      {"Leave=no alone", "Leave=no",
       d + "\"Leave=no\": XMail reads the value as a number (atoi gives 0), so Leave is off and "
           "fetched mail is deleted from the server; write Leave or Leave=1 to keep it"},
      // Harmless: another token already does what the missed one would.
      {"Leave typo with KeepDays", "KeepDays=3,Levae",
       w + "unknown token \"Levae\" (ignored; did you mean \"Leave\"?)"},
      {"STARTTLS with POP3S", "POP3S,STARTTLS,Leave",
       w + "unknown token \"STARTTLS\" (ignored; did you mean \"STLS\"?)"},
      {"APOP typo under TLS", "STLS,Leave,APOPP",
       w + "unknown token \"APOPP\" (ignored; did you mean \"APOP\"?)"},
      {"nothing near", "Leave,Frobnicate", w + "unknown token \"Frobnicate\" (ignored)"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    ParsedAuthtype p = parse_authtype(c.input);
    CHECK(texts(p) == std::vector<std::string>{c.want});
    CHECK_FALSE(has_errors(p.problems));  // the link still runs
  }
  // XMail's reading is kept: the misspelled token is ignored.
  ParsedAuthtype p = parse_authtype("STARTTLS, Leave");
  CHECK(p.options.tls == TlsMode::none);
  CHECK_FALSE(p.options.leave);
  CHECK(fails_check(p.problems));
}
