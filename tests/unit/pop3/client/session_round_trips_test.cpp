// Round trips ClientSession saves when the server offers PIPELINING, and the one it does not:
// the listing follows the login's +OK (never sent ahead of it), QUIT goes behind the last
// RETR or DELE. Byte-exact transcripts, fed whole and one byte at a time; without PIPELINING
// everything stays lock-step.
#include <catch2/catch.hpp>

#include "pop3/client/session.hpp"
#include "tests/support/pop3/client/client_session_talk.hpp"
#include "tests/support/pop3/client/fake_pop3_server.hpp"

using psyncd::ErrorKind;
using psyncd::pop3::AuthMode;
using psyncd::test::kTalkGreeting;
using psyncd::test::kTalkPipelining;
using psyncd::test::RecordingSink;
using psyncd::test::Talk;
using psyncd::test::talk_login;
using psyncd::test::talk_options;
using State = psyncd::pop3::ClientSession::State;

TEST_CASE("client round trips: the listing follows the PASS reply, never ahead of it",
          "[pop3][client]") {
  Talk t(talk_options(), GENERATE(false, true), kTalkGreeting, kTalkPipelining);
  t.s.login(true);
  // Nothing behind PASS: a server that hands over at login (Courier) would lose it.
  CHECK(t.client() == "USER mrose\r\nPASS tanstaaf\r\n");
  t.server("+OK\r\n");
  CHECK(t.client().empty());
  t.server("+OK maildrop locked\r\n");
  CHECK(t.s.logged_in());
  CHECK(t.s.state() == State::busy);  // the listing is part of the login operation
  CHECK(t.client() == "STAT\r\nUIDL\r\nLIST\r\n");
  t.server("+OK 1 10\r\n+OK\r\n1 a\r\n.\r\n+OK\r\n1 10\r\n.\r\n");
  REQUIRE(t.s.state() == State::idle);
  CHECK(t.s.listed_with_login());
  CHECK(t.s.stat_result().count == 1);
  REQUIRE(t.s.uidl_result().size() == 1);
  CHECK(t.s.uidl_result()[0].uid == "a");
  REQUIRE(t.s.list_result().size() == 1);
  CHECK(t.s.list_result()[0].octets == 10);
  CHECK(t.client().empty());
}

TEST_CASE("client round trips: a refused login sends no listing", "[pop3][client]") {
  Talk t(talk_options(), GENERATE(false, true), kTalkGreeting, kTalkPipelining);
  t.s.login(true);
  t.client();
  t.server("+OK\r\n-ERR [AUTH] Authentication failed.\r\n");
  REQUIRE(t.s.state() == State::failed);
  CHECK_FALSE(t.s.logged_in());
  CHECK(t.client().empty());
  CHECK(t.s.error().kind == ErrorKind::auth);
  CHECK(t.s.error().to_string() ==
        "pop.example.org:110: USER: login refused: \"-ERR [AUTH] Authentication failed.\"");
}

TEST_CASE("client round trips: the listing follows every kind of login", "[pop3][client]") {
  const bool by_byte = GENERATE(false, true);
  SECTION("lock-step server: one command at a time") {
    Talk t(talk_options(), by_byte);
    t.s.login(true);
    CHECK(t.client() == "USER mrose\r\n");
    t.server("+OK\r\n");
    CHECK(t.client() == "PASS tanstaaf\r\n");
    t.server("+OK\r\n");
    CHECK(t.client() == "STAT\r\n");
    t.server("+OK 0 0\r\n");
    CHECK(t.client() == "UIDL\r\n");
    t.server("+OK\r\n.\r\n");
    CHECK(t.client() == "LIST\r\n");
    t.server("+OK\r\n.\r\n");
    CHECK(t.s.state() == State::idle);
    CHECK(t.s.listed_with_login());
  }
  SECTION("APOP waits for its reply (a refusal falls back to USER/PASS)") {
    Talk t(talk_options(AuthMode::apop), by_byte, kTalkGreeting, kTalkPipelining);
    t.s.login(true);
    CHECK(t.client() == "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
    t.server("+OK\r\n");
    CHECK(t.client() == "STAT\r\nUIDL\r\nLIST\r\n");
    t.server("+OK 0 0\r\n+OK\r\n.\r\n+OK\r\n.\r\n");
    CHECK(t.s.state() == State::idle);
    CHECK(t.s.listed_with_login());
  }
  SECTION("SASL: after the AUTH +OK") {
    auto o = talk_options(AuthMode::sasl);
    o.sasl_mechanism = "PLAIN";
    auto capa = kTalkPipelining;
    capa.push_back("SASL PLAIN");
    Talk t(o, by_byte, kTalkGreeting, capa);
    t.s.login(true);
    CHECK(t.client() == "AUTH PLAIN\r\n");
    t.server("+ \r\n");
    CHECK(t.client() == "AG1yb3NlAHRhbnN0YWFm\r\n");
    t.server("+OK\r\n");
    CHECK(t.client() == "STAT\r\nUIDL\r\nLIST\r\n");
    t.server("+OK 0 0\r\n+OK\r\n.\r\n+OK\r\n.\r\n");
    CHECK(t.s.state() == State::idle);
  }
  SECTION("without with_listing the login ends idle") {
    Talk t(talk_options(), by_byte, kTalkGreeting, kTalkPipelining);
    t.s.login();
    CHECK(t.client() == "USER mrose\r\nPASS tanstaaf\r\n");
    t.server("+OK\r\n+OK\r\n");
    CHECK(t.s.state() == State::idle);
    CHECK(t.client().empty());
    CHECK_FALSE(t.s.listed_with_login());
  }
}

TEST_CASE("client round trips: silence since the login is told apart", "[pop3][client]") {
  Talk t(talk_options(), GENERATE(false, true), kTalkGreeting, kTalkPipelining);
  t.s.login(true);
  t.client();
  t.server("+OK\r\n+OK\r\n");
  CHECK(t.s.logged_in());
  CHECK_FALSE(t.s.heard_since_login());
  CHECK(std::string(t.s.awaiting()) == "STAT");
  t.server("+OK 1");
  CHECK(t.s.heard_since_login());
}

TEST_CASE("client round trips: QUIT behind the last RETR", "[pop3][client]") {
  auto o = talk_options();
  o.window_count = 2;
  Talk t(o, GENERATE(false, true), kTalkGreeting, kTalkPipelining);
  talk_login(t);
  RecordingSink sink;
  t.s.retrieve({{1, 0}, {2, 0}, {3, 0}}, sink, true);
  CHECK(t.client() == "RETR 1\r\nRETR 2\r\n");
  t.server("+OK\r\na\r\n.\r\n");
  CHECK(t.client() == "RETR 3\r\n");  // the window is full until RETR 3 is answered...
  t.server("+OK\r\nb\r\n.\r\n");
  CHECK(t.client() == "QUIT\r\n");  // ...then QUIT takes the free slot
  CHECK(t.s.state() == State::busy);
  t.server("+OK\r\nc\r\n.\r\n+OK bye\r\n");
  CHECK(t.s.state() == State::closed);
  CHECK(sink.messages[3] == "c\r\n");
}

TEST_CASE("client round trips: QUIT behind the last DELE, and its refusal", "[pop3][client]") {
  const bool by_byte = GENERATE(false, true);
  SECTION("pipelined") {
    Talk t(talk_options(), by_byte, kTalkGreeting, kTalkPipelining);
    talk_login(t);
    t.s.dele({1, 2}, true);
    CHECK(t.client() == "DELE 1\r\nDELE 2\r\nQUIT\r\n");
    t.server("+OK\r\n-ERR gone\r\n+OK bye\r\n");
    CHECK(t.s.state() == State::closed);
    CHECK(t.s.dele_refused() == std::vector<std::uint32_t>{2});
  }
  SECTION("lock-step") {
    Talk t(talk_options(), by_byte);
    talk_login(t);
    t.s.dele({1}, true);
    CHECK(t.client() == "DELE 1\r\n");
    t.server("+OK\r\n");
    CHECK(t.client() == "QUIT\r\n");
    t.server("-ERR cannot remove\r\n");
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().to_string() ==
          "pop.example.org:110: QUIT: refused, so the deletions are not committed: "
          "\"-ERR cannot remove\"");
  }
  SECTION("nothing to delete: QUIT alone") {
    Talk t(talk_options(), by_byte, kTalkGreeting, kTalkPipelining);
    talk_login(t);
    t.s.dele({}, true);
    CHECK(t.client() == "QUIT\r\n");
    t.server("+OK\r\n");
    CHECK(t.s.state() == State::closed);
  }
}
