// Byte-exact client transcripts for pop3::ClientSession: every case runs twice, with the
// server's bytes fed whole and one byte at a time.
#include "pop3/client/session.hpp"

#include <catch2/catch.hpp>

#include "tests/support/pop3/client/client_session_talk.hpp"
#include "tests/support/pop3/client/fake_pop3_server.hpp"

using psyncd::ErrorKind;
using psyncd::pop3::AuthMode;
using psyncd::pop3::ClientOptions;
using psyncd::pop3::ClientSession;
using psyncd::pop3::FetchItem;
using psyncd::test::RecordingSink;
using psyncd::test::Talk;
using State = ClientSession::State;

namespace {

const std::string& kGreeting = psyncd::test::kTalkGreeting;
const std::vector<std::string>& kPipelining = psyncd::test::kTalkPipelining;

ClientOptions options(AuthMode auth = AuthMode::clear) { return psyncd::test::talk_options(auth); }
void login(Talk& t) { psyncd::test::talk_login(t); }

}  // namespace

TEST_CASE("client session: USER/PASS login", "[pop3][client]") {
  Talk t(options(), GENERATE(false, true));
  login(t);
  CHECK(t.s.auth_used() == "USER");
}

TEST_CASE("client session: APOP uses the greeting timestamp", "[pop3][client]") {
  Talk t(options(AuthMode::apop), GENERATE(false, true));
  t.s.login();
  // RFC 1939 §7 example digest.
  CHECK(t.client() == "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
  t.server("+OK mrose's maildrop has 2 messages (320 octets)\r\n");
  CHECK(t.s.state() == State::idle);
  CHECK(t.s.auth_used() == "APOP");
}

TEST_CASE("client session: APOP refused falls back to USER/PASS on the same connection",
          "[pop3][client]") {
  Talk t(options(AuthMode::apop), GENERATE(false, true));
  t.s.login();
  CHECK(t.client() == "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
  t.server("-ERR [AUTH] APOP not allowed\r\n");
  CHECK(t.client() == "USER mrose\r\n");
  t.server("+OK\r\n");
  CHECK(t.client() == "PASS tanstaaf\r\n");
  t.server("+OK\r\n");
  CHECK(t.s.state() == State::idle);
  CHECK(t.s.auth_used() == "USER");
}

TEST_CASE("client session: APOP without a timestamp quietly uses USER/PASS", "[pop3][client]") {
  Talk t(options(AuthMode::apop), GENERATE(false, true), "+OK ready");
  t.s.login();
  CHECK(t.client() == "USER mrose\r\n");
}

TEST_CASE("client session: FAPOP never falls back", "[pop3][client]") {
  const bool by_byte = GENERATE(false, true);
  SECTION("no timestamp") {
    Talk t(options(AuthMode::fapop), by_byte, "+OK ready");
    t.s.login();
    CHECK(t.client().empty());
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().kind == ErrorKind::auth);
    CHECK(t.s.error().to_string() ==
          "pop.example.org:110: APOP: FAPOP requested but the greeting has no APOP timestamp");
  }
  SECTION("refused") {
    Talk t(options(AuthMode::fapop), by_byte);
    t.s.login();
    CHECK(t.client() == "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
    t.server("-ERR bad digest\r\n");
    CHECK(t.client().empty());
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().to_string() ==
          "pop.example.org:110: APOP: login refused: \"-ERR bad digest\"");
  }
}

TEST_CASE("client session: login refusals and their kinds", "[pop3][client]") {
  struct Case {
    const char* name;
    const char* reply;
    ErrorKind kind;
  };
  const Case cases[] = {
      {"wrong password", "-ERR [AUTH] Authentication failed.", ErrorKind::auth},
      {"mailbox in use", "-ERR [IN-USE] Mailbox locked", ErrorKind::temporary},
      {"temporary", "-ERR [SYS/TEMP] try later", ErrorKind::temporary},
      {"login delay", "-ERR [LOGIN-DELAY] wait", ErrorKind::temporary},
  };
  const bool by_byte = GENERATE(false, true);
  for (const auto& c : cases) {
    INFO(c.name);
    Talk t(options(), by_byte);
    t.s.login();
    t.client();
    t.server("+OK\r\n");
    CHECK(t.client() == "PASS tanstaaf\r\n");
    t.server(std::string(c.reply) + "\r\n");
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().kind == c.kind);
    CHECK(t.s.error().to_string() ==
          std::string("pop.example.org:110: USER: login refused: \"") + c.reply + "\"");
  }
}

TEST_CASE("client session: APOP refused with IN-USE does not fall back", "[pop3][client]") {
  Talk t(options(AuthMode::apop), GENERATE(false, true));
  t.s.login();
  t.client();
  t.server("-ERR [IN-USE] locked\r\n");
  CHECK(t.client().empty());
  REQUIRE(t.s.state() == State::failed);
  CHECK(t.s.error().kind == ErrorKind::temporary);
}

TEST_CASE("client session: credentials with CR or LF are refused before sending",
          "[pop3][client]") {
  auto o = options();
  o.password = "x\r\nDELE 1";
  Talk t(o, false);
  t.s.login();
  CHECK(t.client().empty());
  REQUIRE(t.s.state() == State::failed);
  CHECK(t.s.error().to_string() ==
        "pop.example.org:110: login: user name or password holds CR, LF or NUL");
}

TEST_CASE("client session: SASL PLAIN and CRAM-MD5 exchanges", "[pop3][client]") {
  const bool by_byte = GENERATE(false, true);
  SECTION("PLAIN") {
    auto o = options(AuthMode::sasl);
    o.user = "u";
    o.password = "p";
    Talk t(o, by_byte, kGreeting, {"SASL PLAIN"});
    t.s.login();
    CHECK(t.client() == "AUTH PLAIN\r\n");
    t.server("+ \r\n");
    CHECK(t.client() == "AHUAcA==\r\n");
    t.server("+OK Logged in.\r\n");
    CHECK(t.s.state() == State::idle);
    CHECK(t.s.auth_used() == "SASL PLAIN");
  }
  SECTION("CRAM-MD5, RFC 2195 example") {
    auto o = options(AuthMode::sasl);
    o.user = "tim";
    o.password = "tanstaaftanstaaf";
    o.sasl_mechanism = "cram-md5";
    Talk t(o, by_byte, kGreeting, {"SASL PLAIN CRAM-MD5"});
    t.s.login();
    CHECK(t.client() == "AUTH CRAM-MD5\r\n");
    t.server("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n");
    CHECK(t.client() == "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw\r\n");
    t.server("+OK\r\n");
    CHECK(t.s.state() == State::idle);
  }
}

TEST_CASE("client session: SASL failures", "[pop3][client]") {
  SECTION("no mechanism in common") {
    Talk t(options(AuthMode::sasl), false, kGreeting, {"SASL GSSAPI"});
    t.s.login();
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().to_string() ==
          "pop.example.org:110: AUTH: no SASL mechanism in common (server offers: GSSAPI)");
  }
  SECTION("a named mechanism the server does not offer fails at once") {
    struct Case {
      const char* name;
      std::vector<std::string> capa;
      const char* want;
    };
    const Case cases[] = {
        {"not listed",
         {"USER", "SASL PLAIN LOGIN"},
         "SASL mechanism CRAM-MD5 is not offered by the server (it offers: PLAIN LOGIN)"},
        {"no SASL line",
         {"USER", "UIDL"},
         "SASL mechanism CRAM-MD5 is not offered by the server (its CAPA lists no SASL "
         "mechanism)"},
        {"no CAPA",
         {},
         "SASL mechanism CRAM-MD5 is not offered by the server (it answers no CAPA, so it "
         "offers none)"},
    };
    for (const auto& c : cases) {
      INFO(c.name);
      auto o = options(AuthMode::sasl);
      o.sasl_mechanism = "cram-md5";
      Talk t(o, false, kGreeting, c.capa);
      t.s.login();
      CHECK(t.client().empty());  // nothing sent: no AUTH, no password
      REQUIRE(t.s.state() == State::failed);
      CHECK(t.s.error().kind == ErrorKind::config);
      CHECK(t.s.error().to_string() == std::string("pop.example.org:110: AUTH: ") + c.want);
    }
  }
  SECTION("SCRAM accepted without the server's proof") {
    Talk t(options(AuthMode::sasl), false, kGreeting, {"SASL SCRAM-SHA-256"});
    t.s.login();
    CHECK(t.client() == "AUTH SCRAM-SHA-256\r\n");
    t.server("+ \r\n");
    CHECK(t.client().rfind("biwsbj1tcm9zZSxy", 0) == 0);  // "n,,n=mrose,r" in base64
    t.server("+OK\r\n");
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().to_string() ==
          "pop.example.org:110: AUTH: server accepted SCRAM login without proving itself");
  }
  SECTION("refused") {
    Talk t(options(AuthMode::sasl), false, kGreeting, {"SASL PLAIN"});
    t.s.login();
    t.client();
    t.server("-ERR [AUTH] nope\r\n");
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().kind == ErrorKind::auth);
    CHECK(t.s.error().to_string() ==
          "pop.example.org:110: AUTH: login refused: \"-ERR [AUTH] nope\"");
  }
}

TEST_CASE("client session: STAT, UIDL and LIST", "[pop3][client]") {
  Talk t(options(), GENERATE(false, true));
  login(t);
  t.s.stat();
  CHECK(t.client() == "STAT\r\n");
  t.server("+OK 2 320\r\n");
  CHECK(t.s.stat_result().count == 2);
  CHECK(t.s.stat_result().octets == 320);
  t.s.uidl();
  CHECK(t.client() == "UIDL\r\n");
  t.server("+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 ..odd uid \r\n.\r\n");
  REQUIRE(t.s.state() == State::idle);
  REQUIRE(t.s.uidl_result().size() == 2);
  CHECK(t.s.uidl_result()[0].uid == "whqtswO00WBw418f9t5JxYwZ");
  CHECK(t.s.uidl_result()[1].uid == "..odd uid ");  // all after the first space (XMail)
  t.s.list();
  CHECK(t.client() == "LIST\r\n");
  t.server("+OK 2 messages\r\n1 120\r\n2 200\r\n.\r\n");
  REQUIRE(t.s.list_result().size() == 2);
  CHECK(t.s.list_result()[1].octets == 200);
}

TEST_CASE("client session: UIDL refused is not an error (XMail numbers 1..N)", "[pop3][client]") {
  Talk t(options(), GENERATE(false, true));
  login(t);
  t.s.uidl();
  t.client();
  t.server("-ERR not supported\r\n");
  CHECK(t.s.state() == State::idle);
  CHECK(t.s.uidl_refused());
}

TEST_CASE("client session: bad listings fail with a clear message", "[pop3][client]") {
  struct Case {
    const char* name;
    const char* stat;
    const char* cmd;
    const char* reply;
    const char* want;
  };
  const Case cases[] = {
      {"STAT not numbers", nullptr, "STAT", "+OK two 320\r\n", "STAT: bad reply \"two 320\""},
      {"STAT leading zero", nullptr, "STAT", "+OK 01 320\r\n", "STAT: bad reply \"01 320\""},
      {"duplicate uid", nullptr, "UIDL", "+OK\r\n1 a\r\n2 a\r\n.\r\n",
       "UIDL: duplicate unique-id \"a\" (messages 1 and 2)"},
      {"number twice", nullptr, "UIDL", "+OK\r\n1 a\r\n1 b\r\n.\r\n",
       "UIDL: message 1 is listed twice"},
      {"count differs from STAT", "+OK 3 30\r\n", "UIDL", "+OK\r\n1 a\r\n2 b\r\n.\r\n",
       "UIDL: UIDL lists 2 messages but STAT reported 3"},
      {"beyond STAT", "+OK 1 30\r\n", "LIST", "+OK\r\n1 10\r\n2 20\r\n.\r\n",
       "LIST: message 2 is beyond the 1 STAT reported"},
      {"no uid", nullptr, "UIDL", "+OK\r\n1\r\n.\r\n", "UIDL: no unique-id in \"1\""},
      {"empty uid", nullptr, "UIDL", "+OK\r\n1 \r\n.\r\n", "UIDL: no unique-id in \"1 \""},
      {"message 0", nullptr, "LIST", "+OK\r\n0 10\r\n.\r\n",
       "LIST: bad message number in \"0 10\""},
      {"negative size", nullptr, "LIST", "+OK\r\n1 -10\r\n.\r\n", "LIST: bad size in \"1 -10\""},
      {"control byte in uid", nullptr, "UIDL", "+OK\r\n1 a\tb\r\n.\r\n",
       "UIDL: control or non-ASCII byte in \"1 a\\x09b\""},
      {"LIST refused", nullptr, "LIST", "-ERR no\r\n", "LIST: refused: \"-ERR no\""},
      {"not a reply", nullptr, "STAT", "HELLO\r\n",
       "STAT: reply is not +OK, -ERR or a continuation: \"HELLO\""},
  };
  const bool by_byte = GENERATE(false, true);
  for (const auto& c : cases) {
    INFO(c.name);
    Talk t(options(), by_byte);
    login(t);
    if (c.stat != nullptr) {
      t.s.stat();
      t.client();
      t.server(c.stat);
    }
    std::string cmd = c.cmd;
    if (cmd == "STAT") t.s.stat();
    if (cmd == "UIDL") t.s.uidl();
    if (cmd == "LIST") t.s.list();
    CHECK(t.client() == cmd + "\r\n");
    t.server(c.reply);
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().kind == ErrorKind::protocol);
    CHECK(t.s.error().to_string() == std::string("pop.example.org:110: ") + c.want);
  }
}

TEST_CASE("client session: over-long server lines fail the link", "[pop3][client]") {
  auto o = options();
  o.max_line = 64;
  Talk t(o, GENERATE(false, true));
  login(t);
  t.s.uidl();
  t.client();
  t.server("+OK\r\n1 " + std::string(100, 'u') + "\r\n.\r\n");
  REQUIRE(t.s.state() == State::failed);
  CHECK(t.s.error().to_string() == "pop.example.org:110: UIDL: server line longer than 64 bytes");
}

TEST_CASE("client session: lock-step RETR without PIPELINING", "[pop3][client]") {
  Talk t(options(), GENERATE(false, true));
  login(t);
  RecordingSink sink;
  t.s.retrieve({{1, 0}, {2, 0}}, sink);
  CHECK(t.client() == "RETR 1\r\n");
  t.server("+OK 12 octets\r\nSubject: a\r\n\r\n..dot\r\n.\r\n");
  CHECK(t.client() == "RETR 2\r\n");
  t.server("+OK\r\nb\r\n.\r\n");
  CHECK(t.s.state() == State::idle);
  CHECK(sink.messages[1] == "Subject: a\r\n\r\n.dot\r\n");
  CHECK(sink.messages[2] == "b\r\n");
  CHECK(sink.calls == std::vector<std::string>{"begin 1", "end 1", "begin 2", "end 2"});
}

TEST_CASE("client session: pipelined RETR window bounded by count", "[pop3][client]") {
  auto o = options();
  o.window_count = 2;
  Talk t(o, GENERATE(false, true), kGreeting, kPipelining);
  login(t);
  RecordingSink sink;
  t.s.retrieve({{1, 0}, {2, 0}, {3, 0}}, sink);
  CHECK(t.client() == "RETR 1\r\nRETR 2\r\n");
  // The first body and the start of the second arrive in one read.
  t.server("+OK\r\none\r\n.\r\n+OK\r\ntw");
  CHECK(t.client() == "RETR 3\r\n");
  t.server("o\r\n.\r\n+OK\r\nthree\r\n.\r\n");
  CHECK(t.s.state() == State::idle);
  CHECK(sink.messages[2] == "two\r\n");
  CHECK(sink.messages[3] == "three\r\n");
}

TEST_CASE("client session: pipelined RETR window bounded by bytes", "[pop3][client]") {
  auto o = options();
  o.window_bytes = 100;
  Talk t(o, false, kGreeting, kPipelining);
  login(t);
  RecordingSink sink;
  t.s.retrieve({{1, 60}, {2, 30}, {3, 60}, {4, 500}}, sink);
  CHECK(t.client() == "RETR 1\r\nRETR 2\r\n");
  t.server("+OK\r\na\r\n.\r\n");
  CHECK(t.client() == "RETR 3\r\n");
  t.server("+OK\r\nb\r\n.\r\n+OK\r\nc\r\n.\r\n");
  CHECK(t.client() == "RETR 4\r\n");  // alone: one command always goes, however big
}

TEST_CASE("client session: RETR -ERR is reported and the transfer goes on", "[pop3][client]") {
  Talk t(options(), GENERATE(false, true), kGreeting, kPipelining);
  login(t);
  RecordingSink sink;
  t.s.retrieve({{1, 0}, {2, 0}}, sink);
  CHECK(t.client() == "RETR 1\r\nRETR 2\r\n");
  t.server("-ERR no such message\r\n+OK\r\nx\r\n.\r\n");
  CHECK(t.s.state() == State::idle);
  CHECK(sink.calls == std::vector<std::string>{"refused 1 no such message", "begin 2", "end 2"});
}

TEST_CASE("client session: TOP instead of RETR when asked", "[pop3][client]") {
  auto o = options();
  o.retr_via_top = true;
  Talk t(o, false);
  login(t);
  RecordingSink sink;
  t.s.retrieve({{7, 0}}, sink);
  CHECK(t.client() == "TOP 7 99999999\r\n");
}

TEST_CASE("client session: a sink error fails the session", "[pop3][client]") {
  Talk t(options(), false);
  login(t);
  RecordingSink sink;
  sink.fail_at_data = 0;
  t.s.retrieve({{1, 0}}, sink);
  t.client();
  t.server("+OK\r\nbody\r\n.\r\n");
  REQUIRE(t.s.state() == State::failed);
  CHECK(t.s.error().kind == ErrorKind::io);
  CHECK(t.s.error().to_string() == "pop.example.org:110: RETR: message 1: disk full (test)");
  CHECK(sink.messages.empty());
}

TEST_CASE("client session: an endless body stops at max_message_bytes", "[pop3][client]") {
  auto o = options();
  o.max_message_bytes = 1000;
  Talk t(o, false);
  login(t);
  RecordingSink sink;
  t.s.retrieve({{1, 0}}, sink);
  t.client();
  t.server("+OK\r\n");
  for (int i = 0; i < 100 && t.s.state() == State::busy; ++i)
    t.server(std::string(99, 'x') + "\r\n");
  REQUIRE(t.s.state() == State::failed);
  CHECK(t.s.error().to_string() ==
        "pop.example.org:110: RETR: message 1 is longer than 1000 bytes");
}

TEST_CASE("client session: bodies reach the sink in chunks, never whole", "[pop3][client]") {
  Talk t(options(), false);
  login(t);
  RecordingSink sink;
  t.s.retrieve({{1, 0}}, sink);
  t.client();
  t.server("+OK\r\n");
  for (int i = 0; i < 50; ++i) t.server(std::string(998, 'x') + "\r\n");
  t.server(".\r\n");
  CHECK(sink.messages[1].size() == 50000);
  CHECK(sink.chunks >= 50);
  CHECK(sink.max_chunk <= 1000);
}

TEST_CASE("client session: pipelined DELE with a refusal", "[pop3][client]") {
  Talk t(options(), GENERATE(false, true), kGreeting, kPipelining);
  login(t);
  t.s.dele({1, 2, 3});
  CHECK(t.client() == "DELE 1\r\nDELE 2\r\nDELE 3\r\n");
  t.server("+OK\r\n-ERR message 2 already deleted\r\n+OK\r\n");
  CHECK(t.s.state() == State::idle);
  CHECK(t.s.dele_refused() == std::vector<std::uint32_t>{2});
}

TEST_CASE("client session: QUIT must answer +OK", "[pop3][client]") {
  const bool by_byte = GENERATE(false, true);
  SECTION("+OK commits") {
    Talk t(options(), by_byte);
    login(t);
    t.s.quit();
    CHECK(t.client() == "QUIT\r\n");
    t.server("+OK bye\r\n");
    CHECK(t.s.state() == State::closed);
    t.s.peer_closed();
    CHECK(t.s.state() == State::closed);
  }
  SECTION("-ERR does not") {
    Talk t(options(), by_byte);
    login(t);
    t.s.quit();
    t.client();
    t.server("-ERR some deleted messages not removed\r\n");
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().kind == ErrorKind::temporary);
    CHECK(t.s.error().to_string() ==
          "pop.example.org:110: QUIT: refused, so the deletions are not committed: "
          "\"-ERR some deleted messages not removed\"");
  }
  SECTION("connection closed instead") {
    Talk t(options(), by_byte);
    login(t);
    t.s.quit();
    t.client();
    t.s.peer_closed();
    REQUIRE(t.s.state() == State::failed);
    CHECK(t.s.error().to_string() ==
          "pop.example.org:110: QUIT: the server closed the connection before replying");
  }
}

TEST_CASE("client session: QUIT without a DELE is not answered, with one it is", "[pop3][client]") {
  const bool by_byte = GENERATE(false, true);
  SECTION("no DELE: closed as soon as QUIT is taken") {
    Talk t(options(), by_byte);
    login(t);
    CHECK_FALSE(t.s.dele_sent());
    t.s.quit_when_needed();
    CHECK(t.s.state() == State::closed);
    CHECK(t.client() == "QUIT\r\n");
  }
  SECTION("after a DELE the +OK is awaited, since it commits") {
    Talk t(options(), by_byte);
    login(t);
    t.s.dele({1});
    t.client();
    t.server("+OK\r\n");
    CHECK(t.s.dele_sent());
    t.s.quit_when_needed();
    CHECK(t.client() == "QUIT\r\n");
    CHECK(t.s.state() == State::busy);
    t.server("+OK bye\r\n");
    CHECK(t.s.state() == State::closed);
  }
}

TEST_CASE("client session: unsolicited data fails the session", "[pop3][client]") {
  Talk t(options(), false);
  login(t);
  t.server("+OK surprise\r\n");
  REQUIRE(t.s.state() == State::failed);
  CHECK(t.s.error().to_string() ==
        "pop.example.org:110: unexpected data from the server: \"+OK surprise\"");
}

TEST_CASE("client session: the connection closing mid-body fails the session", "[pop3][client]") {
  Talk t(options(), false);
  login(t);
  RecordingSink sink;
  t.s.retrieve({{1, 0}}, sink);
  t.client();
  t.server("+OK\r\npart of a mess");
  t.s.peer_closed();
  REQUIRE(t.s.state() == State::failed);
  CHECK(t.s.error().kind == ErrorKind::unavailable);
  CHECK(sink.messages.empty());
}

TEST_CASE("client session: random server bytes never crash or hang it", "[pop3][client]") {
  // Deterministic noise built from POP3-ish fragments, fed in random chunk sizes, through
  // every operation. The session must end failed, idle or closed, and stay bounded.
  const std::vector<std::string> parts = {"+OK",
                                          "-ERR",
                                          "+ ",
                                          "\r\n",
                                          "\n",
                                          ".",
                                          "..",
                                          " ",
                                          "1",
                                          "0",
                                          "99999999999999999999",
                                          "[IN-USE]",
                                          "[SYS/TEMP]",
                                          "uid",
                                          "\t",
                                          std::string(1, '\0'),
                                          "\xff",
                                          "+OK 2 300\r\n",
                                          "+OK\r\n1 a\r\n2 b\r\n.\r\n",
                                          std::string(300, 'x')};
  std::uint32_t seed = 12345;
  auto next = [&seed](std::uint32_t n) {
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
  };
  for (int round = 0; round < 600; ++round) {
    auto o = options(static_cast<AuthMode>(next(4)));
    o.max_line = 128;
    o.max_message_bytes = 4096;
    ClientSession s(o, kGreeting,
                    next(2) == 0 ? kPipelining : std::vector<std::string>{"SASL PLAIN"});
    RecordingSink sink;
    std::string noise;
    for (std::uint32_t i = 0, n = 1 + next(60); i < n; ++i)
      noise += parts[next(static_cast<std::uint32_t>(parts.size()))];
    std::size_t pos = 0;
    for (int op = 0; op < 7 && s.state() != State::failed && s.state() != State::closed; ++op) {
      if (s.state() == State::idle) {
        switch (op) {
          case 0:
            s.login();
            break;
          case 1:
            s.stat();
            break;
          case 2:
            s.uidl();
            break;
          case 3:
            s.list();
            break;
          case 4:
            s.retrieve({{1, 0}, {2, 0}, {3, 0}}, sink);
            break;
          case 5:
            s.dele({1, 2});
            break;
          default:
            s.quit();
            break;
        }
      }
      while (pos < noise.size() && s.state() == State::busy) {
        const std::size_t len = std::min<std::size_t>(1 + next(40), noise.size() - pos);
        s.feed(std::string_view(noise).substr(pos, len));
        pos += len;
        CHECK(s.take_output().size() < 4096);
      }
    }
    if (s.state() == State::busy) s.peer_closed();
    CHECK(s.state() != State::busy);
    if (s.state() == State::failed) CHECK_FALSE(s.error().text.empty());
  }
}
