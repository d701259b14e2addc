// XOAUTH2 and OAUTHBEARER (pop3/client/oauth_sasl.hpp) on their own against the published
// examples, then through pop3::ClientSession byte for byte: the initial response on the AUTH
// line or after the go-ahead (RFC 5034 §4, 255 octets), the error challenge decoded and
// answered, the refusal's cause. Every session case runs with the server's bytes fed whole and
// one byte at a time.
#include "pop3/client/oauth_sasl.hpp"

#include <catch2/catch.hpp>

#include "pop3/base64.hpp"
#include "pop3/client/session.hpp"
#include "tests/support/pop3/client/client_session_talk.hpp"

using psyncd::ErrorCause;
using psyncd::ErrorKind;
using namespace psyncd::pop3;
using psyncd::test::Talk;
using State = ClientSession::State;

namespace {

// RFC 7628 §4.3's error challenge.
const char* kRfcError =
    "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRp"
    "b24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0=";

ClientOptions oauth_options(const char* mech, std::string token = "tok-123") {
  ClientOptions o = psyncd::test::talk_options(AuthMode::sasl);
  o.sasl_mechanism = mech;
  o.password = std::move(token);
  o.server_host = "pop.example.org";
  o.server_port = 995;
  return o;
}

const std::vector<std::string> kCapa = {"USER", "SASL PLAIN XOAUTH2 OAUTHBEARER"};

}  // namespace

TEST_CASE("oauth sasl: the published example messages", "[pop3][oauth]") {
  // RFC 7628 §4.1.
  OAuthTarget rfc{"user@example.com",
                  "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==", "server.example.com", 143};
  CHECK(base64_encode(oauth_initial_response(OAuthMech::oauthbearer, rfc)) ==
        "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVhcmVy"
        "IHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB");
  // Google's XOAUTH2 example.
  OAuthTarget google{"someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg", "",
                     0};
  CHECK(base64_encode(oauth_initial_response(OAuthMech::xoauth2, google)) ==
        "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhi"
        "SFJoZG1semRHRXVZMjl0Q2cBAQ==");
  // RFC 5801 saslname: ',' and '=' escaped; no host or port when unknown.
  OAuthTarget odd{"a,b=c", "t", "", 0};
  CHECK(oauth_initial_response(OAuthMech::oauthbearer, odd) ==
        "n,a=a=2Cb=3Dc,\x01"
        "auth=Bearer t\x01\x01");
  CHECK(oauth_error_answer(OAuthMech::oauthbearer) == "\x01");
  CHECK(oauth_error_answer(OAuthMech::xoauth2).empty());
  OAuthMech m{};
  CHECK(parse_oauth_mech("xoauth2", m));
  CHECK(m == OAuthMech::xoauth2);
  CHECK(parse_oauth_mech("OAuthBearer", m));
  CHECK(m == OAuthMech::oauthbearer);
  CHECK_FALSE(parse_oauth_mech("PLAIN", m));
}

TEST_CASE("oauth sasl: the server's error challenge", "[pop3][oauth]") {
  auto e = parse_oauth_error(kRfcError);
  CHECK(e.ok);
  CHECK(e.status == "invalid_token");
  CHECK(e.scope == "example_scope");
  CHECK(e.openid_configuration == "https://example.com/.well-known/openid-configuration");
  CHECK(e.summary == "status=\"invalid_token\" scope=\"example_scope\"");
  // XOAUTH2 servers send an HTTP status, Dovecot as a string, some as a number.
  auto num = parse_oauth_error(base64_encode(R"({"status":401,"schemes":"bearer"})"));
  CHECK(num.ok);
  CHECK(num.summary == "status=\"401\"");
  // The server chose these bytes: quoted and escaped, never raw in a log line.
  auto nasty = parse_oauth_error(base64_encode("{\"status\":\"x\\n\\\"y\",\"scope\":\"a b\"}"));
  CHECK(nasty.summary == "status=\"x\\x0a\\x22y\" scope=\"a b\"");
  auto not_b64 = parse_oauth_error("{not base64}");
  CHECK_FALSE(not_b64.ok);
  CHECK(not_b64.summary == "the server's error challenge is not base64: \"{not base64}\"");
  auto not_json = parse_oauth_error(base64_encode("status=401"));
  CHECK_FALSE(not_json.ok);
  CHECK(not_json.summary ==
        "the server's error challenge is not a JSON object (JSON: byte 1: not a JSON value): "
        "\"status=401\"");
  auto array = parse_oauth_error(base64_encode("[1]"));
  CHECK_FALSE(array.ok);
  CHECK(array.summary ==
        "the server's error challenge is not a JSON object (another JSON value): \"[1]\"");
}

TEST_CASE("client session: XOAUTH2 and OAUTHBEARER accepted", "[pop3][client][oauth]") {
  const bool by_byte = GENERATE(false, true);
  SECTION("XOAUTH2, initial response on the AUTH line") {
    Talk t(oauth_options("XOAUTH2"), by_byte, psyncd::test::kTalkGreeting, kCapa);
    t.s.login();
    CHECK(t.client() == "AUTH XOAUTH2 " +
                            base64_encode("user=mrose\x01"
                                          "auth=Bearer tok-123\x01\x01") +
                            "\r\n");
    t.server("+OK logged in\r\n");
    CHECK(t.s.state() == State::idle);
    CHECK(t.s.logged_in());
    CHECK(t.s.auth_used() == "SASL XOAUTH2");
  }
  SECTION("OAUTHBEARER names the server") {
    Talk t(oauth_options("oauthbearer"), by_byte, psyncd::test::kTalkGreeting, kCapa);
    t.s.login();
    CHECK(t.client() == "AUTH OAUTHBEARER " +
                            base64_encode("n,a=mrose,\x01host=pop.example.org\x01port=995\x01"
                                          "auth=Bearer tok-123\x01\x01") +
                            "\r\n");
    t.server("+OK\r\n");
    CHECK(t.s.state() == State::idle);
    CHECK(t.s.auth_used() == "SASL OAUTHBEARER");
  }
  SECTION("a token too long for the AUTH line follows the go-ahead") {
    const std::string token(400, 'T');
    Talk t(oauth_options("XOAUTH2", token), by_byte, psyncd::test::kTalkGreeting, kCapa);
    t.s.login();
    CHECK(t.client() == "AUTH XOAUTH2\r\n");
    t.server("+ \r\n");
    CHECK(t.client() == base64_encode("user=mrose\x01"
                                      "auth=Bearer " +
                                      token + "\x01\x01") +
                            "\r\n");
    t.server("+OK\r\n");
    CHECK(t.s.state() == State::idle);
  }
  SECTION("the longest initial response that fits, and one byte more") {
    // "AUTH XOAUTH2 " (13) + base64 + CRLF <= 255: base64 of at most 240 bytes, i.e. 180
    // raw bytes; the raw message is 25 bytes plus the token.
    for (auto [len, inline_ir] : {std::pair<size_t, bool>{155, true}, {156, false}}) {
      Talk t(oauth_options("XOAUTH2", std::string(len, 'x')), by_byte, psyncd::test::kTalkGreeting,
             kCapa);
      t.s.login();
      std::string line = t.client();
      INFO(line);
      CHECK(line.size() <= 255);
      CHECK((line != "AUTH XOAUTH2\r\n") == inline_ir);
    }
  }
}

TEST_CASE("client session: an OAuth token refused", "[pop3][client][oauth]") {
  const bool by_byte = GENERATE(false, true);
  SECTION("OAUTHBEARER: the JSON decoded, 0x01 answered, -ERR the end") {
    Talk t(oauth_options("OAUTHBEARER"), by_byte, psyncd::test::kTalkGreeting, kCapa);
    t.s.login();
    t.client();
    t.server(std::string("+ ") + kRfcError + "\r\n");
    CHECK(t.client() == "AQ==\r\n");
    CHECK(t.s.state() == State::busy);
    t.server("-ERR [AUTH] Authentication failed\r\n");
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().kind == ErrorKind::auth);
    CHECK(t.s.error().cause == ErrorCause::token_refused);
    CHECK(t.s.error().to_string() ==
          "pop.example.org:110: AUTH: access token refused: status=\"invalid_token\" "
          "scope=\"example_scope\": \"-ERR [AUTH] Authentication failed\"");
    CHECK(t.s.oauth_error().status == "invalid_token");
    CHECK_FALSE(t.s.logged_in());
  }
  SECTION("XOAUTH2: an empty answer") {
    Talk t(oauth_options("XOAUTH2"), by_byte, psyncd::test::kTalkGreeting, kCapa);
    t.s.login();
    t.client();
    t.server("+ " + base64_encode(R"({"status":"401","schemes":"bearer","scope":"mail"})") +
             "\r\n");
    CHECK(t.client() == "\r\n");
    t.server("-ERR [AUTH] Authentication failed.\r\n");
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().cause == ErrorCause::token_refused);
    CHECK(t.s.error().text == "access token refused: status=\"401\" scope=\"mail\"");
  }
  SECTION("a plain -ERR without a challenge") {
    Talk t(oauth_options("XOAUTH2"), by_byte, psyncd::test::kTalkGreeting, kCapa);
    t.s.login();
    t.client();
    t.server("-ERR Authentication failure: unknown user name or bad password.\r\n");
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().cause == ErrorCause::token_refused);
    CHECK(t.s.error().text == "access token refused");
  }
  SECTION("a busy mailbox is not a refused token") {
    Talk t(oauth_options("XOAUTH2"), by_byte, psyncd::test::kTalkGreeting, kCapa);
    t.s.login();
    t.client();
    t.server("-ERR [IN-USE] mailbox locked\r\n");
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().kind == ErrorKind::temporary);
    CHECK(t.s.error().cause == ErrorCause::login_busy);
  }
  SECTION("a challenge that is not JSON is reported as such") {
    Talk t(oauth_options("XOAUTH2"), by_byte, psyncd::test::kTalkGreeting, kCapa);
    t.s.login();
    t.client();
    t.server("+ " + base64_encode("nope") + "\r\n");
    CHECK(t.client() == "\r\n");
    t.server("-ERR no\r\n");
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().text ==
          "access token refused: the server's error challenge is not a JSON object (JSON: byte "
          "1: unknown word (want true, false, null)): \"nope\"");
  }
}

TEST_CASE("client session: OAuth exchanges a server gets wrong", "[pop3][client][oauth]") {
  SECTION("not offered: nothing is sent, not even the token") {
    Talk t(oauth_options("XOAUTH2"), false, psyncd::test::kTalkGreeting, {"SASL PLAIN"});
    t.s.login();
    CHECK(t.client().empty());
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().cause == ErrorCause::mechanism_missing);
  }
  SECTION("a second challenge after the error was answered") {
    Talk t(oauth_options("OAUTHBEARER"), false, psyncd::test::kTalkGreeting, kCapa);
    t.s.login();
    t.client();
    t.server(std::string("+ ") + kRfcError + "\r\n");
    t.client();
    t.server("+ \r\n");
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().kind == ErrorKind::protocol);
    CHECK(t.s.error().text == "unexpected challenge in a OAUTHBEARER exchange");
  }
  SECTION("+OK after the token was refused") {
    Talk t(oauth_options("OAUTHBEARER"), false, psyncd::test::kTalkGreeting, kCapa);
    t.s.login();
    t.client();
    t.server(std::string("+ ") + kRfcError + "\r\n");
    t.client();
    t.server("+OK\r\n");
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().kind == ErrorKind::protocol);
    CHECK_FALSE(t.s.logged_in());
  }
  SECTION("a challenge with data where the go-ahead belongs") {
    Talk t(oauth_options("XOAUTH2", std::string(400, 'T')), false, psyncd::test::kTalkGreeting,
           kCapa);
    t.s.login();
    CHECK(t.client() == "AUTH XOAUTH2\r\n");
    t.server("+ " + base64_encode("{}") + "\r\n");
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().kind == ErrorKind::protocol);
    CHECK(t.client().empty());  // the token is not sent into an exchange gone wrong
  }
}
