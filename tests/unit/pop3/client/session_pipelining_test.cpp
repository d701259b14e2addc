// Byte-exact transcripts of what ClientSession sends together when the server offers
// PIPELINING (USER+PASS, STAT+UIDL+LIST) and that it stays lock-step otherwise. Every case
// runs with the server's bytes fed whole and one byte at a time.
#include <catch2/catch.hpp>

#include "pop3/client/session.hpp"
#include "tests/support/pop3/client/client_session_talk.hpp"

using psyncd::ErrorCause;
using psyncd::ErrorKind;
using psyncd::pop3::AuthMode;
using psyncd::test::kTalkGreeting;
using psyncd::test::kTalkPipelining;
using psyncd::test::Talk;
using psyncd::test::talk_login;
using psyncd::test::talk_options;
using State = psyncd::pop3::ClientSession::State;

TEST_CASE("client pipelining: USER and PASS go out together", "[pop3][client]") {
  Talk t(talk_options(), GENERATE(false, true), kTalkGreeting, kTalkPipelining);
  t.s.login();
  CHECK(t.client() == "USER mrose\r\nPASS tanstaaf\r\n");
  t.server("+OK\r\n");
  CHECK(t.client().empty());  // PASS is already on its way
  CHECK(t.s.state() == State::busy);
  t.server("+OK maildrop locked\r\n");
  CHECK(t.s.state() == State::idle);
  CHECK(t.s.auth_used() == "USER");
}

TEST_CASE("client pipelining: refusals of pipelined USER or PASS", "[pop3][client]") {
  struct Case {
    const char* name;
    const char* replies;
    ErrorKind kind;
    const char* want;
    ErrorCause cause;
    const char* reply;  // the server's line, kept apart from our text
  };
  const Case cases[] = {
      {"USER refused", "-ERR no such user\r\n-ERR\r\n", ErrorKind::auth,
       "pop.example.org:110: USER: login refused: \"-ERR no such user\"", ErrorCause::login_refused,
       "-ERR no such user"},
      {"PASS refused", "+OK\r\n-ERR [AUTH] Authentication failed.\r\n", ErrorKind::auth,
       "pop.example.org:110: USER: login refused: \"-ERR [AUTH] Authentication failed.\"",
       ErrorCause::login_refused, "-ERR [AUTH] Authentication failed."},
      {"mailbox in use", "+OK\r\n-ERR [IN-USE] locked\r\n", ErrorKind::temporary,
       "pop.example.org:110: USER: login refused: \"-ERR [IN-USE] locked\"", ErrorCause::login_busy,
       "-ERR [IN-USE] locked"},
  };
  const bool by_byte = GENERATE(false, true);
  for (const auto& c : cases) {
    INFO(c.name);
    Talk t(talk_options(), by_byte, kTalkGreeting, kTalkPipelining);
    t.s.login();
    CHECK(t.client() == "USER mrose\r\nPASS tanstaaf\r\n");
    t.server(c.replies);
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().kind == c.kind);
    CHECK(t.s.error().to_string() == c.want);
    CHECK(t.s.error().cause == c.cause);
    CHECK(t.s.error().text == "login refused");
    CHECK(t.s.error().reply == c.reply);
    CHECK(t.client().empty());
  }
}

TEST_CASE("client pipelining: APOP alone first, USER+PASS together only after its -ERR",
          "[pop3][client]") {
  Talk t(talk_options(AuthMode::apop), GENERATE(false, true), kTalkGreeting, kTalkPipelining);
  t.s.login();
  CHECK(t.client() == "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
  t.server("-ERR [AUTH] APOP not allowed\r\n");
  CHECK(t.client() == "USER mrose\r\nPASS tanstaaf\r\n");
  t.server("+OK\r\n+OK\r\n");
  CHECK(t.s.state() == State::idle);
  CHECK(t.s.auth_used() == "USER");
}

TEST_CASE("client pipelining: STAT, UIDL and LIST in one round trip", "[pop3][client]") {
  Talk t(talk_options(), GENERATE(false, true), kTalkGreeting, kTalkPipelining);
  talk_login(t);
  t.s.listing();
  CHECK(t.client() == "STAT\r\nUIDL\r\nLIST\r\n");
  t.server("+OK 2 320\r\n+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n.\r\n");
  CHECK(t.s.state() == State::busy);
  t.server("+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n");
  REQUIRE(t.s.state() == State::idle);
  CHECK(t.client().empty());
  CHECK(t.s.stat_result().count == 2);
  CHECK(t.s.stat_result().octets == 320);
  REQUIRE(t.s.uidl_result().size() == 2);
  CHECK(t.s.uidl_result()[1].uid == "QhdPYR:00WBw1Ph7x7");
  REQUIRE(t.s.list_result().size() == 2);
  CHECK(t.s.list_result()[0].octets == 120);
  CHECK_FALSE(t.s.uidl_refused());
}

TEST_CASE("client pipelining: listing is lock-step without PIPELINING", "[pop3][client]") {
  Talk t(talk_options(), GENERATE(false, true));
  talk_login(t);
  t.s.listing();
  CHECK(t.client() == "STAT\r\n");
  t.server("+OK 1 10\r\n");
  CHECK(t.client() == "UIDL\r\n");
  t.server("+OK\r\n1 a\r\n.\r\n");
  CHECK(t.client() == "LIST\r\n");
  t.server("+OK\r\n1 10\r\n.\r\n");
  CHECK(t.s.state() == State::idle);
  CHECK(t.s.uidl_result().size() == 1);
  CHECK(t.s.list_result().size() == 1);
}

TEST_CASE("client pipelining: UIDL refused inside the listing, LIST still read", "[pop3][client]") {
  Talk t(talk_options(), GENERATE(false, true), kTalkGreeting, kTalkPipelining);
  talk_login(t);
  t.s.listing();
  CHECK(t.client() == "STAT\r\nUIDL\r\nLIST\r\n");
  t.server("+OK 1 10\r\n-ERR not supported\r\n+OK\r\n1 10\r\n.\r\n");
  CHECK(t.s.state() == State::idle);
  CHECK(t.s.uidl_refused());
  CHECK(t.s.uidl_result().empty());
  CHECK(t.s.list_result().size() == 1);
}

TEST_CASE("client pipelining: bad pipelined listings fail with a clear message", "[pop3][client]") {
  struct Case {
    const char* name;
    const char* replies;
    const char* want;
  };
  const Case cases[] = {
      {"UIDL count differs from STAT", "+OK 3 30\r\n+OK\r\n1 a\r\n2 b\r\n.\r\n",
       "UIDL: UIDL lists 2 messages but STAT reported 3"},
      {"LIST beyond STAT", "+OK 1 30\r\n+OK\r\n1 a\r\n.\r\n+OK\r\n1 10\r\n2 20\r\n.\r\n",
       "LIST: message 2 is beyond the 1 STAT reported"},
      {"STAT refused", "-ERR no\r\n", "STAT: refused: \"-ERR no\""},
      {"LIST refused", "+OK 0 0\r\n+OK\r\n.\r\n-ERR no\r\n", "LIST: refused: \"-ERR no\""},
  };
  const bool by_byte = GENERATE(false, true);
  for (const auto& c : cases) {
    INFO(c.name);
    Talk t(talk_options(), by_byte, kTalkGreeting, kTalkPipelining);
    talk_login(t);
    t.s.listing();
    CHECK(t.client() == "STAT\r\nUIDL\r\nLIST\r\n");
    t.server(c.replies);
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().kind == ErrorKind::protocol);
    CHECK(t.s.error().to_string() == std::string("pop.example.org:110: ") + c.want);
    // A refusal keeps the server's words apart; our own findings have none.
    const bool refused = std::string(c.name).find("refused") != std::string::npos;
    CHECK(t.s.error().reply == (refused ? "-ERR no" : ""));
    CHECK(t.s.error().cause == (refused ? ErrorCause::peer_refused : ErrorCause::none));
  }
}
