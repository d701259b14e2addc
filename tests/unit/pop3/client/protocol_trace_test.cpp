// pop3/client/protocol_trace.hpp: the --trace transcript shows every command and reply, never a
// credential (USER, PASS, APOP, AUTH initial responses, SASL exchanges) and never a body.
#include "pop3/client/protocol_trace.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace psyncd::pop3;

namespace {

struct Transcript {
  std::vector<std::string> lines;
  ProtocolTrace trace{[this](std::string_view l) { lines.emplace_back(l); }};
  std::string all() const {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }
};

}  // namespace

TEST_CASE("redact_command hides credentials and keeps the command") {
  CHECK(redact_command("USER joe") == "USER <redacted 3 bytes>");
  CHECK(redact_command("pass s3cret") == "PASS <redacted 6 bytes>");
  CHECK(redact_command("APOP joe 0123456789abcdef0123456789abcdef") == "APOP <redacted 36 bytes>");
  CHECK(redact_command("AUTH PLAIN AGpvZQBzM2NyZXQ=") == "AUTH PLAIN <redacted 16 bytes>");
  CHECK(redact_command("AUTH CRAM-MD5") == "AUTH CRAM-MD5");
  CHECK(redact_command("am9lIGRpZ2VzdA==", true) == "<redacted 16 bytes>");
  CHECK(redact_command("*", true) == "*");
  CHECK(redact_command("RETR 3") == "RETR 3");
  CHECK(redact_command("STAT") == "STAT");
}

TEST_CASE("trace: a USER/PASS session, pipelined, with a body and a listing") {
  Transcript t;
  t.trace.received("+OK Dovecot ready.\r\n");
  t.trace.sent("CAPA\r\n");
  t.trace.received("+OK\r\nUSER\r\nPIPELINING\r\n.\r\n");
  t.trace.sent("USER joe\r\nPASS s3cret\r\n");
  t.trace.received("+OK\r\n+OK Logged in.\r\n");
  t.trace.sent("UIDL\r\nRETR 1\r\n");
  t.trace.received("+OK\r\n1 abc\r\n.\r\n+OK 20 octets\r\nSubject: s3cret\r\n\r\nbody\r\n.");
  t.trace.received("\r\n");
  t.trace.sent("QUIT\r\n");
  t.trace.received("+OK Logging out.\r\n");
  CHECK(t.all() ==
        "S: +OK Dovecot ready.\n"
        "C: CAPA\n"
        "S: +OK\n"
        "S: USER\n"
        "S: PIPELINING\n"
        "S: .\n"
        "C: USER <redacted 3 bytes>\n"
        "C: PASS <redacted 6 bytes>\n"
        "S: +OK\n"
        "S: +OK Logged in.\n"
        "C: UIDL\n"
        "C: RETR 1\n"
        "S: +OK\n"
        "S: 1 abc\n"
        "S: .\n"
        "S: +OK 20 octets\n"
        "S: (message: 3 lines, 25 bytes, not shown)\n"
        "S: .\n"
        "C: QUIT\n"
        "S: +OK Logging out.\n");
  CHECK(t.all().find("s3cret") == std::string::npos);
}

TEST_CASE("trace: a failing login shows the server's -ERR and not the password") {
  Transcript t;
  t.trace.received("+OK ready\r\n");
  t.trace.sent("USER joe\r\n");
  t.trace.received("+OK\r\n");
  t.trace.sent("PASS wrong-password\r\n");
  t.trace.received("-ERR [AUTH] Authentication failed.\r\n");
  CHECK(t.lines.back() == "S: -ERR [AUTH] Authentication failed.");
  CHECK(t.all().find("wrong-password") == std::string::npos);
}

TEST_CASE("trace: SASL challenges and responses are redacted both ways") {
  Transcript t;
  t.trace.sent("AUTH SCRAM-SHA-256 biwsbj1qb2Uscj1ub25jZQ==\r\n");
  t.trace.received("+ cj1ub25jZXNlcnZlcixzPXNhbHQsaT00MDk2\r\n");
  t.trace.sent("Yz1iaXdzLHI9bm9uY2VzZXJ2ZXIscD1wcm9vZg==\r\n");
  t.trace.received("+ dj1zaWduYXR1cmU=\r\n");
  t.trace.sent("\r\n");
  t.trace.received("+OK Logged in.\r\n");
  t.trace.sent("STAT\r\n");
  t.trace.received("+OK 0 0\r\n");
  CHECK(t.lines == std::vector<std::string>{"C: AUTH SCRAM-SHA-256 <redacted 24 bytes>",
                                            "S: + <redacted 36 bytes>", "C: <redacted 40 bytes>",
                                            "S: + <redacted 16 bytes>", "C: <redacted 0 bytes>",
                                            "S: +OK Logged in.", "C: STAT", "S: +OK 0 0"});
}

TEST_CASE("trace: long listings are cut to a count, -ERR to a listing ends nothing") {
  Transcript t;
  t.trace.sent("LIST\r\n");
  std::string reply = "+OK\r\n";
  for (int i = 1; i <= 25; ++i) reply += std::to_string(i) + " 100\r\n";
  t.trace.received(reply + ".\r\n");
  REQUIRE(t.lines.size() == 1 + 1 + ProtocolTrace::kListingLines + 2);
  CHECK(t.lines[t.lines.size() - 2] == "S: (15 more lines)");
  t.trace.sent("UIDL\r\nSTAT\r\n");
  t.trace.received("-ERR no UIDL\r\n+OK 25 2500\r\n");
  CHECK(t.lines.back() == "S: +OK 25 2500");
}
