// The client (CurlTransport + Client + ClientSession) against a scripted fake POP3 peer on
// 127.0.0.1:0: exact wire transcripts, TLS modes, and misbehaving servers. Each case must
// end with an error for that link, never a crash or a hang.
#include <catch2/catch.hpp>
#include <chrono>

#include "common/ascii.hpp"
#include "pop3/apop.hpp"
#include "pop3/client/client.hpp"
#include "pop3/client/curl_transport.hpp"
#include "tests/support/pop3/client/fake_pop3_server.hpp"

using namespace psyncd::test;  // NOLINT: test builders read like a transcript
using psyncd::ErrorKind;
using psyncd::pop3::AuthMode;
using psyncd::pop3::Client;
using psyncd::pop3::ClientOptions;
using psyncd::pop3::ConnectOptions;
using psyncd::pop3::CurlTransport;
using psyncd::pop3::FetchItem;
using psyncd::pop3::TlsMode;
using Script = std::vector<FakeStep>;

namespace {

const std::string kGreeting = "+OK fake ready <42.1700000000@fake>\r\n";
const std::string kCapaPipe = "+OK\r\nUSER\r\nUIDL\r\nTOP\r\nPIPELINING\r\n.\r\n";
const std::string kCapaPlain = "+OK\r\nUSER\r\nUIDL\r\n.\r\n";
const std::string kCapaStls = "+OK\r\nUSER\r\nSTLS\r\nPIPELINING\r\n.\r\n";

Script join(std::initializer_list<Script> parts) {
  Script out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Script hello(const std::string& capa = kCapaPipe) {
  return {say(kGreeting), expect("CAPA\r\n"), say(capa)};
}

Script user_pass() {
  return {expect("USER joe\r\n"), say("+OK\r\n"), expect("PASS pw\r\n"), say("+OK logged in\r\n")};
}

ConnectOptions connect_options(const FakePop3Server& server, TlsMode mode = TlsMode::none) {
  ConnectOptions o;
  o.host = "127.0.0.1";
  o.port = server.port();
  o.tls = mode;
  o.verify = false;
  o.connect_timeout = std::chrono::milliseconds(3000);
  return o;
}

ClientOptions client_options(AuthMode auth = AuthMode::clear) {
  ClientOptions o;
  o.user = "joe";
  o.password = "pw";
  o.auth = auth;
  o.peer = "fake";
  return o;
}

std::unique_ptr<CurlTransport> connect_ok(const ConnectOptions& o) {
  auto t = CurlTransport::connect(o);
  INFO((t ? std::string() : t.error().to_string()));
  REQUIRE(t.ok());
  return std::move(*t);
}

constexpr std::chrono::milliseconds kIo{2000};

}  // namespace

TEST_CASE("fake server: full session, exact wire transcript", "[pop3][client][fake]") {
  FakePop3Server server(
      join({hello(),
            user_pass(),
            {expect("STAT\r\n"), say("+OK 2 30\r\n"), expect("UIDL\r\n"),
             say("+OK\r\n1 aaa\r\n2 bbb\r\n.\r\n"), expect("LIST\r\n"),
             say("+OK\r\n1 10\r\n2 20\r\n.\r\n"), expect("RETR 1\r\nRETR 2\r\n"),
             say("+OK\r\nSubject: 1\r\n\r\n..x\r\n.\r\n+OK\r\nSubject: 2\r\n.\r\n"),
             expect("DELE 1\r\nDELE 2\r\n"), say("+OK\r\n+OK\r\n"), expect("QUIT\r\n"),
             say("+OK bye\r\n"), expect_close()}}));
  RecordingSink sink;
  {
    auto t = connect_ok(connect_options(server));
    CHECK(t->greeting() == "+OK fake ready <42.1700000000@fake>");
    CHECK(t->capa() == std::vector<std::string>{"USER", "UIDL", "TOP", "PIPELINING"});
    CHECK_FALSE(t->tls_active());
    Client c(*t, client_options(), kIo);
    REQUIRE(c.login().ok());
    CHECK(c.stat()->count == 2);
    auto uidl = c.uidl();
    REQUIRE(uidl.ok());
    CHECK((*uidl)[1].uid == "bbb");
    auto list = c.list();
    REQUIRE(list.ok());
    REQUIRE(c.retrieve({{1, 10}, {2, 20}}, sink).ok());
    auto refused = c.dele({1, 2});
    REQUIRE(refused.ok());
    CHECK(refused->empty());
    REQUIRE(c.quit().ok());
  }
  CHECK(server.finish() == "");
  CHECK(sink.messages[1] == "Subject: 1\r\n\r\n.x\r\n");
  CHECK(sink.messages[2] == "Subject: 2\r\n");
}

TEST_CASE("fake server: libcurl sends only CAPA before handing over", "[pop3][client][fake]") {
  FakePop3Server server(
      join({hello(), {expect("USER joe\r\n"), say("+OK\r\n"), expect("PASS pw\r\n"), drop()}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), kIo);
  auto r = c.login();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::unavailable);
  t.reset();
  CHECK(server.finish() == "");
  CHECK(server.received() == "CAPA\r\nUSER joe\r\nPASS pw\r\n");
}

TEST_CASE("fake server: lock-step RETR when PIPELINING is not offered", "[pop3][client][fake]") {
  FakePop3Server server(
      join({hello(kCapaPlain),
            user_pass(),
            {expect("RETR 1\r\n"), say("+OK\r\none\r\n.\r\n"), expect("RETR 2\r\n"),
             say("+OK\r\ntwo\r\n.\r\n"), expect("DELE 1\r\n"), say("+OK\r\n"), expect("DELE 2\r\n"),
             say("+OK\r\n")}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), kIo);
  REQUIRE(c.login().ok());
  RecordingSink sink;
  REQUIRE(c.retrieve({{1, 0}, {2, 0}}, sink).ok());
  REQUIRE(c.dele({1, 2}).ok());
  CHECK(server.finish() == "");
  CHECK(sink.messages.size() == 2);
}

TEST_CASE("fake server: pipelined window over a real socket", "[pop3][client][fake]") {
  FakePop3Server server(
      join({hello(),
            user_pass(),
            {expect("RETR 1\r\nRETR 2\r\nRETR 3\r\n"), say("+OK\r\na\r\n.\r\n+OK\r\nb\r\n.\r\n"),
             expect("RETR 4\r\nRETR 5\r\n"),
             say("+OK\r\nc\r\n.\r\n+OK\r\nd\r\n.\r\n+OK\r\ne\r\n.\r\n")}}));
  auto t = connect_ok(connect_options(server));
  auto o = client_options();
  o.window_count = 3;
  Client c(*t, o, kIo);
  REQUIRE(c.login().ok());
  RecordingSink sink;
  REQUIRE(c.retrieve({{1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}}, sink).ok());
  CHECK(server.finish() == "");
  CHECK(sink.messages[5] == "e\r\n");
}

TEST_CASE("fake server: APOP fallback transcript", "[pop3][client][fake]") {
  const std::string digest = psyncd::pop3::apop_digest("<42.1700000000@fake>", "pw");
  FakePop3Server server(
      join({hello(),
            {expect("APOP joe " + digest + "\r\n"), say("-ERR [AUTH] no APOP for you\r\n")},
            user_pass()}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(AuthMode::apop), kIo);
  REQUIRE(c.login().ok());
  CHECK(c.session().auth_used() == "USER");
  CHECK(server.finish() == "");
}

TEST_CASE("fake server: FAPOP refused fails the link", "[pop3][client][fake]") {
  const std::string digest = psyncd::pop3::apop_digest("<42.1700000000@fake>", "pw");
  FakePop3Server server(join(
      {hello(),
       {expect("APOP joe " + digest + "\r\n"), say("-ERR [AUTH] wrong\r\n"), expect_close()}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(AuthMode::fapop), kIo);
  auto r = c.login();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::auth);
  t.reset();
  CHECK(server.finish() == "");
}

TEST_CASE("fake server: SASL PLAIN", "[pop3][client][fake]") {
  FakePop3Server server(join(
      {hello("+OK\r\nSASL PLAIN LOGIN\r\n.\r\n"),
       {expect("AUTH PLAIN\r\n"), say("+ \r\n"), expect("AGpvZQBwdw==\r\n"), say("+OK\r\n")}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(AuthMode::sasl), kIo);
  auto r = c.login();
  INFO((r ? std::string() : r.error().to_string()));
  REQUIRE(r.ok());
  CHECK(c.session().auth_used() == "SASL PLAIN");
  CHECK(server.finish() == "");
}

TEST_CASE("fake server: mailbox in use is a temporary error", "[pop3][client][fake]") {
  FakePop3Server server(join({hello(),
                              {expect("USER joe\r\n"), say("+OK\r\n"), expect("PASS pw\r\n"),
                               say("-ERR [IN-USE] locked\r\n")}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), kIo);
  auto r = c.login();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::temporary);
  CHECK(r.error().to_string() == "fake: USER: login refused: \"-ERR [IN-USE] locked\"");
}

TEST_CASE("fake server: CAPA refused means lock-step", "[pop3][client][fake]") {
  FakePop3Server server(
      join({hello("-ERR what is CAPA\r\n"),
            user_pass(),
            {expect("DELE 1\r\n"), say("+OK\r\n"), expect("DELE 2\r\n"), say("+OK\r\n")}}));
  auto t = connect_ok(connect_options(server));
  CHECK(t->capa().empty());
  Client c(*t, client_options(), kIo);
  REQUIRE(c.login().ok());
  REQUIRE(c.dele({1, 2}).ok());
  CHECK(server.finish() == "");
}

TEST_CASE("fake server: bare LF line ends", "[pop3][client][fake]") {
  FakePop3Server server(
      join({{say("+OK hi\n"), expect("CAPA\r\n"), say("+OK\nUSER\n.\n"), expect("USER joe\r\n"),
             say("+OK\n"), expect("PASS pw\r\n"), say("+OK\n"), expect("RETR 1\r\n"),
             say("+OK\nline1\nline2\n.\n")}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), kIo);
  REQUIRE(c.login().ok());
  RecordingSink sink;
  REQUIRE(c.retrieve({{1, 0}}, sink).ok());
  CHECK(sink.messages[1] == "line1\r\nline2\r\n");
}

TEST_CASE("fake server: a 4 MB message is streamed in bounded chunks", "[pop3][client][fake]") {
  const std::string line = std::string(1000, 'm') + "\r\n";
  std::string body;
  for (int i = 0; i < 4000; ++i) body += line;
  FakePop3Server server(join(
      {hello(), user_pass(), {expect("RETR 1\r\n"), say("+OK\r\n"), say(body), say(".\r\n")}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), kIo);
  REQUIRE(c.login().ok());
  RecordingSink sink;
  REQUIRE(c.retrieve({{1, 0}}, sink).ok());
  CHECK(sink.messages[1] == body);
  CHECK(sink.max_chunk <= 64 * 1024 + 2);
  CHECK(sink.chunks > 60);
}

// --- connection phase failures ------------------------------------------------------------

TEST_CASE("fake server: nobody listening", "[pop3][client][fake]") {
  std::uint16_t port;
  {
    FakePop3Server gone(Script{});
    port = gone.port();
    auto t = CurlTransport::connect(connect_options(gone));  // consume the one accept
  }
  ConnectOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  auto t = CurlTransport::connect(o);
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().kind == ErrorKind::unavailable);
  CHECK(t.error().file == "pop3://127.0.0.1:" + std::to_string(port));
}

TEST_CASE("fake server: greeting is -ERR", "[pop3][client][fake]") {
  FakePop3Server server({say("-ERR go away\r\n")});
  auto t = CurlTransport::connect(connect_options(server));
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().kind == ErrorKind::protocol);
}

TEST_CASE("fake server: silent server times out the connection phase", "[pop3][client][fake]") {
  FakePop3Server server({pause_ms(1500)});
  auto o = connect_options(server);
  o.connect_timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  auto t = CurlTransport::connect(o);
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().kind == ErrorKind::temporary);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1400));
}

TEST_CASE("fake server: connection dropped after the greeting", "[pop3][client][fake]") {
  FakePop3Server server({say(kGreeting), drop()});
  auto t = CurlTransport::connect(connect_options(server));
  REQUIRE_FALSE(t.ok());
  CHECK_FALSE(t.error().text.empty());
}

TEST_CASE("fake server: endless CAPA is cut off", "[pop3][client][fake]") {
  FakePop3Server server(
      {say(kGreeting), expect("CAPA\r\n"), say("+OK\r\n"), flood("X-CAP\r\n", 1 << 20)});
  auto t = CurlTransport::connect(connect_options(server));
  REQUIRE_FALSE(t.ok());
  // libcurl's own 300 KB header cap or ours ("greeting or CAPA reply too long") stops it.
  CHECK_THAT(t.error().text, Catch::Contains("too l", Catch::CaseSensitive::No));
}

TEST_CASE("fake server: OutBind", "[pop3][client][fake]") {
  SECTION("to loopback works") {
    FakePop3Server server(hello());
    auto o = connect_options(server);
    o.out_bind = "127.0.0.1";
    auto t = connect_ok(o);
    CHECK(t->capa().size() == 4);
  }
  SECTION("to an address not on this host fails") {
    FakePop3Server server(Script{});
    auto o = connect_options(server);
    o.out_bind = "192.0.2.1";  // TEST-NET-1
    auto t = CurlTransport::connect(o);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().kind == ErrorKind::unavailable);
    // Release the fake's accept wait.
    auto unblock = CurlTransport::connect(connect_options(server));
  }
}

// --- TLS ----------------------------------------------------------------------------------

Script stls_ok() {
  return {say(kGreeting),           expect("CAPA\r\n"),
          say(kCapaStls),           expect("STLS\r\n"),
          say("+OK Begin TLS\r\n"), start_tls(),
          expect("CAPA\r\n"),       say("+OK\r\nUSER\r\nPIPELINING\r\n.\r\n")};
}

TEST_CASE("fake server: STLS then login inside TLS", "[pop3][client][fake]") {
  FakePop3Server server(join({stls_ok(), user_pass()}));
  auto t = connect_ok(connect_options(server, TlsMode::stls));
  CHECK(t->tls_active());
  CHECK(t->capa() == std::vector<std::string>{"USER", "PIPELINING"});  // the post-TLS list
  CHECK(t->greeting() == "+OK fake ready <42.1700000000@fake>");       // APOP uses this
  Client c(*t, client_options(), kIo);
  REQUIRE(c.login().ok());
  CHECK(server.finish() == "");
}

TEST_CASE("fake server: certificate verification is on by default", "[pop3][client][fake]") {
  FakePop3Server server(stls_ok());
  auto o = connect_options(server, TlsMode::stls);
  o.verify = true;
  auto t = CurlTransport::connect(o);
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().kind == ErrorKind::protocol);
}

// FSTLS to the fake with verification on and `pin` set: true when it connects over TLS.
bool pinned_fstls_connects(void (*pin)(ConnectOptions&)) {
  FakePop3Server server(stls_ok());
  auto o = connect_options(server, TlsMode::fstls);
  o.verify = true;
  pin(o);
  auto t = connect_ok(o);
  return t->tls_active();
}

TEST_CASE("fake server: a pinned key replaces chain verification", "[pop3][client][fake]") {
  SECTION("right pin") {
    CHECK(
        pinned_fstls_connects([](ConnectOptions& o) { o.pinned_key = FakePop3Server::tls_pin(); }));
  }
  SECTION("wrong pin") {
    FakePop3Server server(stls_ok());
    auto o = connect_options(server, TlsMode::fstls);
    o.pinned_key = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    auto t = CurlTransport::connect(o);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().kind == ErrorKind::protocol);
  }
}

TEST_CASE("fake server: a pinned certificate replaces chain verification", "[pop3][client][fake]") {
  SECTION("right certificate, after STLS") {
    CHECK(pinned_fstls_connects(
        [](ConnectOptions& o) { o.cert_sha256 = FakePop3Server::tls_cert_sha256(); }));
  }
  SECTION("another certificate: the error shows both fingerprints") {
    FakePop3Server server(stls_ok());
    auto o = connect_options(server, TlsMode::fstls);
    o.cert_sha256 = std::string(64, '0');
    auto t = CurlTransport::connect(o);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().kind == ErrorKind::protocol);
    CHECK(t.error().text.find("does not match the pinned 00:00:") != std::string::npos);
    std::string got = FakePop3Server::tls_cert_sha256().substr(0, 2);
    for (auto& c : got) c = psyncd::ascii_upper(c);
    CHECK(t.error().text.find("SHA-256 " + got) != std::string::npos);
  }
  SECTION("STLS not offered: no TLS, so no clear-text login either") {
    FakePop3Server server({say(kGreeting), expect("CAPA\r\n"), say(kCapaPlain)});
    auto o = connect_options(server, TlsMode::stls);
    o.cert_sha256 = FakePop3Server::tls_cert_sha256();
    auto t = CurlTransport::connect(o);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().text.find("did not start TLS") != std::string::npos);
    CHECK(server.received().find("USER") == std::string::npos);
  }
}

TEST_CASE("fake server: STLS refused", "[pop3][client][fake]") {
  Script refused = {say(kGreeting), expect("CAPA\r\n"), say(kCapaStls), expect("STLS\r\n"),
                    say("-ERR not today\r\n")};
  SECTION("STLS carries on in clear text") {
    FakePop3Server server(join({refused, user_pass()}));
    auto t = connect_ok(connect_options(server, TlsMode::stls));
    CHECK_FALSE(t->tls_active());
    Client c(*t, client_options(), kIo);
    REQUIRE(c.login().ok());
    CHECK(server.finish() == "");
  }
  SECTION("FSTLS fails") {
    FakePop3Server server(refused);
    auto t = CurlTransport::connect(connect_options(server, TlsMode::fstls));
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().kind == ErrorKind::protocol);
  }
}

TEST_CASE("fake server: FSTLS against a server without STLS", "[pop3][client][fake]") {
  FakePop3Server server(hello(kCapaPlain));
  auto t = CurlTransport::connect(connect_options(server, TlsMode::fstls));
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().kind == ErrorKind::protocol);
  CHECK(server.received() == "CAPA\r\n");  // nothing sent in clear after that
}

TEST_CASE("fake server: STLS without STLS offered stays clear", "[pop3][client][fake]") {
  FakePop3Server server(join({hello(kCapaPlain), user_pass()}));
  auto t = connect_ok(connect_options(server, TlsMode::stls));
  CHECK_FALSE(t->tls_active());
}

TEST_CASE("fake server: data pipelined after the STLS reply is not trusted",
          "[pop3][client][fake]") {
  // STARTTLS injection: bytes sent in clear after "+OK" must never be read as if they came
  // through TLS.
  FakePop3Server server({say(kGreeting), expect("CAPA\r\n"), say(kCapaStls), expect("STLS\r\n"),
                         say("+OK Begin TLS\r\n+OK injected\r\n"), start_tls(), expect("CAPA\r\n"),
                         say("+OK\r\nUSER\r\n.\r\n"), expect("USER joe\r\n"), say("+OK\r\n"),
                         expect("PASS pw\r\n"), say("+OK\r\n")});
  // libcurl (since 7.79, CVE-2021-22947) refuses the connection outright.
  auto t = CurlTransport::connect(connect_options(server, TlsMode::stls));
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().kind == ErrorKind::protocol);
  CHECK(t.error().text == "connect: Weird server reply");
}

TEST_CASE("fake server: POP3S", "[pop3][client][fake]") {
  FakePop3Server server(join({{start_tls()}, hello(), user_pass()}));
  auto t = connect_ok(connect_options(server, TlsMode::pop3s));
  CHECK(t->tls_active());
  Client c(*t, client_options(), kIo);
  REQUIRE(c.login().ok());
  CHECK(server.finish() == "");
}

// --- misbehaving servers after login ------------------------------------------------------

TEST_CASE("fake server: connection dropped in the middle of a body", "[pop3][client][fake]") {
  FakePop3Server server(
      join({hello(), user_pass(), {expect("RETR 1\r\n"), say("+OK\r\nhalf a mess"), drop()}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), kIo);
  REQUIRE(c.login().ok());
  RecordingSink sink;
  auto r = c.retrieve({{1, 0}}, sink);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().to_string() == "fake: RETR: the server closed the connection before replying");
  CHECK(sink.messages.empty());
}

TEST_CASE("fake server: endless body hits max_message_bytes", "[pop3][client][fake]") {
  FakePop3Server server(
      join({hello(),
            user_pass(),
            {expect("RETR 1\r\n"), say("+OK\r\n"), flood(std::string(78, 'z') + "\r\n")}}));
  auto t = connect_ok(connect_options(server));
  auto o = client_options();
  o.max_message_bytes = 1 << 20;
  Client c(*t, o, kIo);
  REQUIRE(c.login().ok());
  RecordingSink sink;
  auto r = c.retrieve({{1, 0}}, sink);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().to_string() == "fake: RETR: message 1 is longer than 1048576 bytes");
}

TEST_CASE("fake server: endless UIDL listing fails on a repeated number", "[pop3][client][fake]") {
  FakePop3Server server(
      join({hello(), user_pass(), {expect("UIDL\r\n"), say("+OK\r\n"), flood("1 same\r\n")}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), kIo);
  REQUIRE(c.login().ok());
  auto r = c.uidl();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().to_string() == "fake: UIDL: message 1 is listed twice");
}

TEST_CASE("fake server: a line without end", "[pop3][client][fake]") {
  FakePop3Server server(
      join({hello(), user_pass(), {expect("STAT\r\n"), say("+OK 1 "), flood("9", 1 << 16)}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), kIo);
  REQUIRE(c.login().ok());
  auto r = c.stat();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().to_string() == "fake: STAT: server line longer than 8192 bytes");
}

TEST_CASE("fake server: wrong counts", "[pop3][client][fake]") {
  FakePop3Server server(join({hello(),
                              user_pass(),
                              {expect("STAT\r\n"), say("+OK 3 300\r\n"), expect("LIST\r\n"),
                               say("+OK\r\n1 100\r\n2 200\r\n.\r\n")}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), kIo);
  REQUIRE(c.login().ok());
  REQUIRE(c.stat().ok());
  auto r = c.list();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().to_string() == "fake: LIST: LIST lists 2 messages but STAT reported 3");
}

TEST_CASE("fake server: a stalled reply times out", "[pop3][client][fake]") {
  FakePop3Server server(
      join({hello(), user_pass(), {expect("STAT\r\n"), say("+OK 1"), pause_ms(1500)}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), std::chrono::milliseconds(300));
  REQUIRE(c.login().ok());
  const auto start = std::chrono::steady_clock::now();
  auto r = c.stat();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::temporary);
  CHECK(r.error().text == "timed out waiting for the server");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1400));
}

TEST_CASE("fake server: a login that hands the connection over loses nothing (Courier)",
          "[pop3][client][fake]") {
  // Courier's pop3login answers PASS and execs pop3d; what it read beyond PASS is gone.
  FakePop3Server server(join({hello(),
                              {hand_over("USER joe\r\nPASS pw\r\n"), say("+OK\r\n+OK go\r\n"),
                               expect("STAT\r\nUIDL\r\nLIST\r\n"),
                               say("+OK 1 10\r\n+OK\r\n1 a\r\n.\r\n+OK\r\n1 10\r\n.\r\n")}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), kIo);
  auto r = c.login(true);
  INFO((r ? std::string() : r.error().to_string()));
  REQUIRE(r.ok());
  auto listing = c.listing();
  REQUIRE(listing.ok());
  CHECK(listing->stat.count == 1);
  REQUIRE(listing->uidl.size() == 1);
  CHECK(listing->uidl[0].uid == "a");
  CHECK(server.finish() == "");
}

TEST_CASE("fake server: silence right after the login is reported as such",
          "[pop3][client][fake]") {
  FakePop3Server server(join({hello(),
                              {hand_over("USER joe\r\nPASS pw\r\n"), say("+OK\r\n+OK\r\n"),
                               expect("STAT\r\nUIDL\r\nLIST\r\n"), pause_ms(1500)}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), std::chrono::milliseconds(300));
  auto r = c.login(true);
  REQUIRE_FALSE(r.ok());
  CHECK(c.session().logged_in());
  CHECK(r.error().kind == ErrorKind::temporary);
  CHECK(r.error().field == "STAT");
  CHECK(r.error().text ==
        "the server accepted the login, then sent nothing for 300 ms: it stopped answering after "
        "the login");
}

TEST_CASE("fake server: garbage instead of a reply", "[pop3][client][fake]") {
  FakePop3Server server(
      join({hello(), user_pass(), {expect("STAT\r\n"), say("HTTP/1.1 200 OK\r\n")}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), kIo);
  REQUIRE(c.login().ok());
  auto r = c.stat();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::protocol);
}

TEST_CASE("fake server: unsolicited data after login", "[pop3][client][fake]") {
  FakePop3Server server(join({hello(),
                              {expect("USER joe\r\n"), say("+OK\r\n"), expect("PASS pw\r\n"),
                               say("+OK\r\n+OK extra\r\n")}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), kIo);
  auto r = c.login();
  // Seen in the same read as PASS's reply: nothing may follow it unasked.
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().to_string() == "fake: unexpected data from the server: \"+OK extra\"");
}

TEST_CASE("fake server: QUIT without +OK does not commit", "[pop3][client][fake]") {
  SECTION("-ERR") {
    FakePop3Server server(
        join({hello(),
              user_pass(),
              {expect("DELE 1\r\n"), say("+OK\r\n"), expect("QUIT\r\n"), say("-ERR failed\r\n")}}));
    auto t = connect_ok(connect_options(server));
    Client c(*t, client_options(), kIo);
    REQUIRE(c.login().ok());
    REQUIRE(c.dele({1}).ok());
    auto r = c.quit();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::temporary);
  }
  SECTION("dropped") {
    FakePop3Server server(
        join({hello(),
              user_pass(),
              {expect("DELE 1\r\n"), say("+OK\r\n"), expect("QUIT\r\n"), drop()}}));
    auto t = connect_ok(connect_options(server));
    Client c(*t, client_options(), kIo);
    REQUIRE(c.login().ok());
    REQUIRE(c.dele({1}).ok());
    auto r = c.quit();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == ErrorKind::unavailable);
  }
}

TEST_CASE("fake server: with no DELE sent, QUIT is sent but its reply not awaited",
          "[pop3][client][fake]") {
  // The server stays silent for longer than kIo: a client that waited for the reply would
  // fail with a timeout instead.
  FakePop3Server server(join({hello(), user_pass(), {expect("QUIT\r\n"), pause_ms(2500)}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), kIo);
  REQUIRE(c.login().ok());
  REQUIRE(c.quit().ok());
  CHECK(c.closed());
  t.reset();
  CHECK(server.finish() == "");
}

TEST_CASE("fake server: DELE refusals are reported, not fatal", "[pop3][client][fake]") {
  FakePop3Server server(
      join({hello(), user_pass(), {expect("DELE 1\r\nDELE 2\r\n"), say("-ERR no\r\n+OK\r\n")}}));
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), kIo);
  REQUIRE(c.login().ok());
  auto r = c.dele({1, 2});
  REQUIRE(r.ok());
  CHECK(*r == std::vector<std::uint32_t>{1});
}

TEST_CASE("fake server: greeting and CAPA split across reads", "[pop3][client][fake]") {
  FakePop3Server server({say("+OK fake "), pause_ms(50), say("ready <1.2@x>\r\n"),
                         expect("CAPA\r\n"), say("+OK\r\nUSER\r\nPIPE"), pause_ms(50),
                         say("LINING\r\n"), pause_ms(50), say(".\r\n")});
  auto t = connect_ok(connect_options(server));
  CHECK(t->greeting() == "+OK fake ready <1.2@x>");
  CHECK(t->capa() == std::vector<std::string>{"USER", "PIPELINING"});
}

TEST_CASE("fake server: a long CAPA list in one segment is kept whole", "[pop3][client][fake]") {
  std::string capa = "+OK\r\n";
  std::vector<std::string> want;
  for (int i = 0; i < 40; ++i) {
    want.push_back("X-CAP-" + std::to_string(i) + " " + std::string(50, 'v'));
    capa += want.back() + "\r\n";
  }
  capa += ".\r\n";
  FakePop3Server server(hello(capa));
  auto t = connect_ok(connect_options(server));
  CHECK(t->capa() == want);
}

TEST_CASE("connect url: schemes, default ports, IPv6 brackets", "[pop3][client]") {
  ConnectOptions o;
  o.host = "pop.example.org";
  CHECK(psyncd::pop3::connect_url(o) == "pop3://pop.example.org:110");
  o.tls = TlsMode::pop3s;
  CHECK(psyncd::pop3::connect_url(o) == "pop3s://pop.example.org:995");
  o.host = "::1";
  o.port = 1110;
  CHECK(psyncd::pop3::connect_url(o) == "pop3s://[::1]:1110");
  o.tls = TlsMode::fstls;
  o.host = "[fe80::1]";
  CHECK(psyncd::pop3::connect_url(o) == "pop3://[fe80::1]:1110");
}

TEST_CASE("fake server: several connections in turn", "[pop3][client][fake]") {
  FakePop3Server server(FakePop3Server::Sessions{
      join({hello(), {expect("USER joe\r\n"), say("-ERR [IN-USE] busy\r\n")}}),
      join({hello(), user_pass(), {expect("QUIT\r\n"), say("+OK\r\n")}})});
  {
    auto t = connect_ok(connect_options(server));
    Client c(*t, client_options(), kIo);
    auto first = c.login();
    REQUIRE_FALSE(first.ok());
    CHECK(first.error().kind == ErrorKind::temporary);
  }
  auto t = connect_ok(connect_options(server));
  Client c(*t, client_options(), kIo);
  REQUIRE(c.login().ok());
  REQUIRE(c.quit().ok());
  CHECK(server.finish() == "");
}
