// Byte-exact transcripts of the server session: every command in every state, each error
// reply, pipelined input; each transcript fed whole, one byte and a few bytes at a time.
#include "pop3/server/session.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/hex.hpp"
#include "pop3/apop.hpp"
#include "pop3/base64.hpp"
#include "tests/support/pop3/server/server_fakes.hpp"

using namespace psyncd::pop3;
using psyncd::to_hex;
using namespace psyncd::pop3::test;

namespace {

const std::string kGreeting = "+OK ready <1.2@test>\r\n";
const std::string kLogin = "USER alice\r\nPASS secret\r\n";
const std::string kLoginOk =
    "+OK password required for alice\r\n+OK maildrop has 2 messages (57 octets)\r\n";
const std::string kAuthed = "authenticated alice@example.test USER";
const std::string kBye = "+OK psyncd POP3 server signing off\r\n";

using Fixture = SessionFixture;

struct Case {
  const char* name;
  std::string input;
  std::string want;  // output after the greeting
  std::vector<std::string> events;
};

// Runs one case whole and in pieces; every run must give the same bytes and events.
void check_case(const Case& c, const std::function<void(Fixture&)>& setup = {}) {
  for (std::size_t step : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{7}}) {
    INFO(c.name << " step " << step);
    Fixture f;
    if (setup) setup(f);
    Session s(f.config, f.auth);
    auto t = run_session(s, c.input, step);
    CHECK(t.output == kGreeting + c.want);
    CHECK(t.events == c.events);
  }
}

std::string b64(const std::string& s) { return base64_encode(s); }

}  // namespace

TEST_CASE("session: AUTHORIZATION commands and their replies") {
  const std::vector<Case> cases = {
      {"quit before login", "QUIT\r\n", kBye, {"close: QUIT"}},
      {"user pass", kLogin, kLoginOk, {kAuthed}},
      {"lower case commands, bare LF", "user alice\npass secret\n", kLoginOk, {kAuthed}},
      {"password with spaces",
       "USER alice\r\nPASS  secret\r\n",
       "+OK password required for alice\r\n-ERR [AUTH] invalid user name or password\r\n",
       {"login_failed alice USER bad credentials: wrong password"}},
      {"wrong password then right",
       "USER alice\r\nPASS nope\r\n" + kLogin,
       "+OK password required for alice\r\n-ERR [AUTH] invalid user name or password\r\n" +
           kLoginOk,
       {"login_failed alice USER bad credentials: wrong password", kAuthed}},
      {"unknown user",
       "USER zed\r\nPASS x\r\n",
       "+OK password required for zed\r\n-ERR [AUTH] invalid user name or password\r\n",
       {"login_failed zed USER bad credentials: no such user"}},
      {"disabled",
       "USER bob\r\nPASS pw\r\n",
       "+OK password required for bob\r\n-ERR [AUTH] POP3 access is disabled for this account\r\n",
       {"login_failed bob USER account disabled: PopEnable 0"}},
      {"locked",
       "USER carol\r\nPASS pw\r\n",
       "+OK password required for carol\r\n-ERR [IN-USE] mailbox is in use by another session\r\n",
       {"login_failed carol@example.test USER mailbox locked: lock file exists"}},
      {"auth back end down",
       "USER dave\r\nPASS pw\r\n",
       "+OK password required for dave\r\n"
       "-ERR [SYS/TEMP] authentication service unavailable, try again later\r\n",
       {"login_failed dave USER temporary failure: db down"}},
      {"mailbox cannot open",
       "USER erin\r\nPASS pw\r\n",
       "+OK password required for erin\r\n-ERR [SYS/TEMP] mailbox unavailable, try again later\r\n",
       {"login_failed erin@example.test USER temporary failure: cannot list Maildir"}},
      {"pass without user", "PASS secret\r\n", "-ERR PASS without USER\r\n", {}},
      {"pass after failed pass needs user again",
       "USER alice\r\nPASS x\r\nPASS secret\r\n",
       "+OK password required for alice\r\n-ERR [AUTH] invalid user name or password\r\n"
       "-ERR PASS without USER\r\n",
       {"login_failed alice USER bad credentials: wrong password"}},
      {"apop",
       "APOP alice " + apop_digest("<1.2@test>", "secret") + "\r\n",
       "+OK maildrop has 2 messages (57 octets)\r\n",
       {"authenticated alice@example.test APOP"}},
      {"apop upper-case digest",
       "APOP alice C0B0CA5C4FFC4D3BDC42C2DC0BB37B55\r\n",
       "-ERR [AUTH] invalid user name or password\r\n",
       {"login_failed alice APOP bad credentials: APOP digest mismatch"}},
      {"apop unknown user",
       "APOP zed " + apop_digest("<1.2@test>", "") + "\r\n",
       "-ERR [AUTH] invalid user name or password\r\n",
       {"login_failed zed APOP bad credentials: no such user"}},
      {"apop disabled after right digest",
       "APOP bob " + apop_digest("<1.2@test>", "pw") + "\r\n",
       "-ERR [AUTH] POP3 access is disabled for this account\r\n",
       {"login_failed bob APOP account disabled: PopEnable 0"}},
      {"apop disabled with wrong digest",
       "APOP bob " + apop_digest("<1.2@test>", "x") + "\r\n",
       "-ERR [AUTH] invalid user name or password\r\n",
       {"login_failed bob APOP bad credentials: APOP digest mismatch"}},
      {"apop back end down",
       "APOP dave " + apop_digest("<1.2@test>", "pw") + "\r\n",
       "-ERR [SYS/TEMP] authentication service unavailable, try again later\r\n",
       {"login_failed dave APOP temporary failure: db down"}},
      {"transaction commands refused",
       "STAT\r\nLIST\r\nUIDL 1\r\nRETR 1\r\nTOP 1 1\r\nDELE 1\r\nRSET\r\nNOOP\r\nLAST\r\n",
       "-ERR log in first\r\n-ERR log in first\r\n-ERR log in first\r\n-ERR log in first\r\n"
       "-ERR log in first\r\n-ERR log in first\r\n-ERR log in first\r\n-ERR log in first\r\n"
       "-ERR log in first\r\n",
       {}},
      {"parser errors",
       "\r\nFOO\r\nUSER\r\nRETR x\r\n\xff\xfe\r\nUSER j\xc3\xb6rg\r\n",
       "-ERR empty command line\r\n-ERR unknown command\r\n-ERR USER needs a user name\r\n"
       "-ERR invalid message number\r\n-ERR non-ASCII byte in command line\r\n"
       "-ERR non-ASCII byte in command line\r\n",
       {}},
      {"capa",
       "CAPA\r\n",
       "+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nPIPELINING\r\nRESP-CODES\r\n"
       "AUTH-RESP-CODE\r\nSASL SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN\r\nSTLS\r\n"
       "IMPLEMENTATION psyncd\r\n.\r\n",
       {}},
      {"empty auth",
       "AUTH\r\n",
       "+OK SASL mechanisms follow\r\nSCRAM-SHA-256\r\nCRAM-MD5\r\nPLAIN\r\nLOGIN\r\n.\r\n",
       {}},
      {"over-long line closes",
       std::string(2000, 'A') + "\r\nNOOP\r\n",
       "-ERR command line too long\r\n",
       {"close: command line longer than 1024 bytes"}},
      {"longest line accepted",
       "USER " + std::string(255, 'u') + "\r\n",
       "+OK password required for " + std::string(255, 'u') + "\r\n",
       {}},
  };
  for (const auto& c : cases) check_case(c);
}

TEST_CASE("session: TRANSACTION commands and their replies") {
  const std::vector<Case> cases = {
      {"stat list uidl",
       kLogin + "STAT\r\nLIST\r\nLIST 2\r\nUIDL\r\nUIDL 1\r\n",
       kLoginOk + "+OK 2 57\r\n+OK maildrop has 2 messages (57 octets)\r\n1 23\r\n2 34\r\n.\r\n"
                  "+OK 2 34\r\n+OK unique-id listing follows\r\n1 uid-1\r\n2 uid-2\r\n.\r\n"
                  "+OK 1 uid-1\r\n",
       {kAuthed}},
      {"no such message",
       kLogin + "LIST 3\r\nLIST 0\r\nUIDL 9\r\nRETR 3\r\nTOP 0 1\r\nDELE 3\r\n",
       kLoginOk + "-ERR no such message\r\n-ERR no such message\r\n-ERR no such message\r\n"
                  "-ERR no such message\r\n-ERR no such message\r\n-ERR no such message\r\n",
       {kAuthed}},
      {"retr stuffs and normalises",
       kLogin + "RETR 2\r\nRETR 1\r\n",
       kLoginOk + "+OK 34 octets\r\nSubject: two\r\n\r\n..dot line\r\nbody\r\n.\r\n"
                  "+OK 23 octets\r\nSubject: one\r\n\r\nHello\r\n.\r\n",
       {kAuthed}},
      {"top",
       kLogin + "TOP 2 0\r\nTOP 2 1\r\nTOP 1 100\r\n",
       kLoginOk + "+OK top of message follows\r\nSubject: two\r\n\r\n.\r\n"
                  "+OK top of message follows\r\nSubject: two\r\n\r\n..dot line\r\n.\r\n"
                  "+OK top of message follows\r\nSubject: one\r\n\r\nHello\r\n.\r\n",
       {kAuthed}},
      {"dele, deleted message errors, last, rset",
       kLogin +
           "LAST\r\nDELE 1\r\nSTAT\r\nLIST\r\nUIDL\r\nRETR 1\r\nTOP 1 0\r\nLIST 1\r\nDELE 1\r\n"
           "LAST\r\nRETR 2\r\nLAST\r\nRSET\r\nLAST\r\nSTAT\r\nNOOP\r\n",
       kLoginOk + "+OK 0\r\n+OK message 1 deleted\r\n+OK 1 34\r\n"
                  "+OK maildrop has 1 messages (34 octets)\r\n2 34\r\n.\r\n"
                  "+OK unique-id listing follows\r\n2 uid-2\r\n.\r\n"
                  "-ERR message 1 is deleted\r\n-ERR message 1 is deleted\r\n"
                  "-ERR message 1 is deleted\r\n-ERR message 1 is deleted\r\n+OK 1\r\n"
                  "+OK 34 octets\r\nSubject: two\r\n\r\n..dot line\r\nbody\r\n.\r\n+OK 2\r\n"
                  "+OK maildrop has 2 messages (57 octets)\r\n+OK 0\r\n+OK 2 57\r\n+OK\r\n",
       {kAuthed}},
      {"quit commits deletions",
       kLogin + "DELE 2\r\nDELE 1\r\nQUIT\r\nNOOP\r\n",
       kLoginOk + "+OK message 2 deleted\r\n+OK message 1 deleted\r\n"
                  "+OK psyncd POP3 server signing off (messages deleted)\r\n",
       {kAuthed, "commit_deletions 0 1", "close: QUIT"}},
      {"quit without deletions", kLogin + "QUIT\r\n", kLoginOk + kBye, {kAuthed, "close: QUIT"}},
      {"rset then quit deletes nothing",
       kLogin + "DELE 1\r\nRSET\r\nQUIT\r\n",
       kLoginOk + "+OK message 1 deleted\r\n+OK maildrop has 2 messages (57 octets)\r\n" + kBye,
       {kAuthed, "close: QUIT"}},
      {"authorization commands refused",
       kLogin + "USER alice\r\nPASS secret\r\nAPOP a 00000000000000000000000000000000\r\n"
                "AUTH PLAIN\r\nSTLS\r\n",
       kLoginOk + "-ERR already logged in\r\n-ERR already logged in\r\n-ERR already logged in\r\n"
                  "-ERR already logged in\r\n-ERR already logged in\r\n",
       {kAuthed}},
      {"capa after login",
       kLogin + "CAPA\r\n",
       kLoginOk + "+OK Capability list follows\r\nTOP\r\nUIDL\r\nPIPELINING\r\nRESP-CODES\r\n"
                  "AUTH-RESP-CODE\r\nIMPLEMENTATION psyncd\r\n.\r\n",
       {kAuthed}},
      {"argument errors",
       kLogin + "RETR\r\nTOP 1\r\nDELE 01\r\nLIST a\r\nSTAT 1\r\n",
       kLoginOk + "-ERR RETR needs a message number\r\n"
                  "-ERR TOP needs a message number and a line count\r\n"
                  "-ERR invalid message number\r\n-ERR invalid message number\r\n"
                  "-ERR STAT takes no argument\r\n",
       {kAuthed}},
  };
  for (const auto& c : cases) check_case(c);
}

TEST_CASE("session: QUIT reports deletions that failed") {
  Fixture f;
  Session s(f.config, f.auth);
  auto t = run_session(s, kLogin + "DELE 1\r\nQUIT\r\n", 0, false);
  CHECK(t.output == kGreeting + kLoginOk +
                        "+OK message 1 deleted\r\n"
                        "-ERR [SYS/TEMP] some deleted messages were not removed\r\n");
  CHECK(t.events == std::vector<std::string>{kAuthed, "commit_deletions 0", "close: QUIT"});
  CHECK(s.finished());
  // The session only reports: removing files and the lock is its owner's (pop3d) business.
  auto* mailbox = dynamic_cast<FakeMailbox*>(s.mailbox());
  REQUIRE(mailbox != nullptr);
  CHECK(mailbox->removed.empty());
  CHECK_FALSE(mailbox->released);
}

TEST_CASE("session: SASL mechanisms") {
  const std::string ok = "+OK maildrop has 2 messages (57 octets)\r\n";
  const std::string plain = b64(std::string("\0alice\0secret", 13));
  const std::vector<Case> cases = {
      {"plain with initial response",
       "AUTH PLAIN " + plain + "\r\n",
       ok,
       {"authenticated alice@example.test AUTH PLAIN"}},
      {"plain after empty challenge",
       "auth plain\r\n" + plain + "\r\n",
       "+ \r\n" + ok,
       {"authenticated alice@example.test AUTH PLAIN"}},
      {"plain wrong password",
       "AUTH PLAIN " + b64(std::string("\0alice\0nope", 11)) + "\r\n",
       "-ERR [AUTH] invalid user name or password\r\n",
       {"login_failed alice AUTH PLAIN bad credentials: wrong password"}},
      {"plain other authzid",
       "AUTH PLAIN " + b64(std::string("bob\0alice\0secret", 16)) + "\r\n",
       "-ERR [AUTH] invalid user name or password\r\n",
       {"login_failed alice AUTH PLAIN bad credentials: "
        "PLAIN authorization identity differs from the login name"}},
      {"plain empty response",
       "AUTH PLAIN =\r\n",
       "-ERR malformed PLAIN response\r\n",
       {"login_failed  AUTH PLAIN bad credentials: malformed PLAIN response"}},
      {"login",
       "AUTH LOGIN\r\n" + b64("alice") + "\r\n" + b64("secret") + "\r\n",
       "+ VXNlcm5hbWU6\r\n+ UGFzc3dvcmQ6\r\n" + ok,
       {"authenticated alice@example.test AUTH LOGIN"}},
      {"login with initial user",
       "AUTH LOGIN " + b64("alice") + "\r\n" + b64("secret") + "\r\n",
       "+ UGFzc3dvcmQ6\r\n" + ok,
       {"authenticated alice@example.test AUTH LOGIN"}},
      {"cancel",
       "AUTH LOGIN\r\n*\r\nNOOP\r\n",
       "+ VXNlcm5hbWU6\r\n-ERR authentication cancelled\r\n-ERR log in first\r\n",
       {}},
      {"bad base64 response",
       "AUTH LOGIN\r\nnot base64!\r\n",
       "+ VXNlcm5hbWU6\r\n-ERR invalid base64 in SASL response\r\n",
       {}},
      {"bad base64 initial response",
       "AUTH PLAIN ***\r\n",
       "-ERR invalid base64 in SASL response\r\n",
       {}},
      {"unknown mechanism", "AUTH GSSAPI\r\n", "-ERR unsupported SASL mechanism\r\n", {}},
      {"cram-md5 initial response refused",
       "AUTH CRAM-MD5 " + b64("x") + "\r\n",
       "-ERR CRAM-MD5 takes no initial response\r\n",
       {"login_failed  AUTH CRAM-MD5 bad credentials: CRAM-MD5 takes no initial response"}},
  };
  for (const auto& c : cases) check_case(c);
}

TEST_CASE("session: CRAM-MD5 exchange with a fixed challenge") {
  // RFC 2195's example checks our HMAC-MD5 itself.
  CHECK(to_hex(hmac("MD5", "tanstaaftanstaaf", "<1896.697170952@postoffice.reston.mci.net>")) ==
        "b913a602c7eda7a495b4e6e7334d3890");
  const std::string challenge = "<414141414141414141414141@localhost>";
  const std::string good = b64("alice " + to_hex(hmac("MD5", "secret", challenge)));
  const std::string bad = b64("alice " + to_hex(hmac("MD5", "wrong", challenge)));
  check_case({"cram-md5",
              "AUTH CRAM-MD5\r\n" + good + "\r\n",
              "+ " + b64(challenge) + "\r\n+OK maildrop has 2 messages (57 octets)\r\n",
              {"authenticated alice@example.test AUTH CRAM-MD5"}});
  check_case({"cram-md5 wrong secret",
              "AUTH CRAM-MD5\r\n" + bad + "\r\n",
              "+ " + b64(challenge) + "\r\n-ERR [AUTH] invalid user name or password\r\n",
              {"login_failed alice AUTH CRAM-MD5 bad credentials: CRAM-MD5 digest mismatch"}});
  check_case({"cram-md5 malformed",
              "AUTH CRAM-MD5\r\n" + b64("alice") + "\r\n",
              "+ " + b64(challenge) + "\r\n-ERR malformed CRAM-MD5 response\r\n",
              {"login_failed  AUTH CRAM-MD5 bad credentials: malformed CRAM-MD5 response"}});
}

TEST_CASE("session: cleartext refused before TLS, allowed after STLS") {
  auto no_cleartext = [](Fixture& f) { f.config.cleartext_before_tls = false; };
  check_case({"refused",
              "USER alice\r\nAUTH PLAIN\r\nAUTH LOGIN\r\nAUTH\r\nCAPA\r\n",
              "-ERR [AUTH] cleartext login refused before STLS\r\n"
              "-ERR [AUTH] cleartext mechanisms are refused before STLS\r\n"
              "-ERR [AUTH] cleartext mechanisms are refused before STLS\r\n"
              "+OK SASL mechanisms follow\r\nSCRAM-SHA-256\r\nCRAM-MD5\r\n.\r\n"
              "+OK Capability list follows\r\nTOP\r\nUIDL\r\nPIPELINING\r\nRESP-CODES\r\n"
              "AUTH-RESP-CODE\r\nSASL SCRAM-SHA-256 CRAM-MD5\r\nSTLS\r\n"
              "IMPLEMENTATION psyncd\r\n.\r\n",
              {}},
             no_cleartext);
  check_case({"after stls", "STLS\r\n", "+OK Begin TLS negotiation\r\n", {"start_tls"}},
             no_cleartext);
  Fixture f;
  no_cleartext(f);
  Session s(f.config, f.auth);
  run_session(s, "STLS\r\n", 0);
  REQUIRE(s.tls_active());
  auto t = run_session(s, "CAPA\r\nSTLS\r\n" + kLogin, 0);
  CHECK(t.output ==
        "+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nPIPELINING\r\nRESP-CODES\r\n"
        "AUTH-RESP-CODE\r\nSASL SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN\r\nIMPLEMENTATION psyncd\r\n"
        ".\r\n-ERR TLS is already active\r\n" +
            kLoginOk);
}

TEST_CASE("session: STLS drops pipelined plaintext (command injection)") {
  Fixture f;
  Session s(f.config, f.auth);
  auto t = run_session(s, "STLS\r\nUSER alice\r\nPASS secret\r\n", 0);
  CHECK(t.output == kGreeting + "+OK Begin TLS negotiation\r\n");
  CHECK(t.events ==
        std::vector<std::string>{"input_discarded 25: bytes pipelined after STLS", "start_tls"});
  CHECK(s.state() == Session::State::authorization);
  // Plaintext that arrives while the handshake is pending is never taken as commands either.
  Fixture g;
  Session held(g.config, g.auth);
  held.receive("STLS\r\n");
  CHECK(held.pending_output().substr(kGreeting.size()) == "+OK Begin TLS negotiation\r\n");
  CHECK_FALSE(held.wants_input());
  held.receive("QUIT\r\n");
  std::vector<std::string> events;
  while (auto e = held.next_event()) events.push_back(render_event(*e));
  CHECK(events ==
        std::vector<std::string>{
            "start_tls", "input_discarded 6: bytes received while waiting for the TLS handshake"});
  held.tls_started();
  held.consume_output(held.pending_output().size());
  held.receive("NOOP\r\n");
  CHECK(held.pending_output() == "-ERR log in first\r\n");
}

TEST_CASE("session: STLS unavailable and APOP unavailable") {
  auto plain = [](Fixture& f) {
    f.config.tls_available = false;
    f.config.apop_timestamp.clear();
  };
  Fixture f;
  plain(f);
  Session s(f.config, f.auth);
  auto t = run_session(s, "STLS\r\nAPOP alice 00000000000000000000000000000000\r\nCAPA\r\n", 1);
  CHECK(t.output ==
        "+OK ready\r\n-ERR STLS is not available\r\n-ERR APOP is not available\r\n"
        "+OK Capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nPIPELINING\r\n"
        "RESP-CODES\r\nAUTH-RESP-CODE\r\nSASL SCRAM-SHA-256 CRAM-MD5 PLAIN LOGIN\r\n"
        "IMPLEMENTATION psyncd\r\n.\r\n");
}

TEST_CASE("session: a failed login holds later commands until resume()") {
  Fixture f;
  Session s(f.config, f.auth);
  s.consume_output(s.pending_output().size());
  s.receive("USER alice\r\nPASS bad\r\n" + kLogin);
  CHECK(s.pending_output() ==
        "+OK password required for alice\r\n-ERR [AUTH] invalid user name or password\r\n");
  CHECK_FALSE(s.wants_input());
  auto e = s.next_event();
  REQUIRE(e);
  CHECK(e->kind == SessionEvent::Kind::login_failed);
  s.consume_output(s.pending_output().size());
  s.resume();
  CHECK(s.pending_output() == kLoginOk);
  CHECK(s.state() == Session::State::transaction);
}

TEST_CASE("session: too many bad commands close the session") {
  check_case({"bad commands",
              "X\r\nX\r\nX\r\nNOOP\r\n",
              "-ERR unknown command\r\n-ERR unknown command\r\n"
              "-ERR too many bad commands, closing\r\n",
              {"close: too many bad commands"}},
             [](Fixture& f) { f.config.max_bad_commands = 2; });
}

TEST_CASE("session: unreadable messages") {
  check_case({"unreadable before +OK",
              kLogin + "RETR 1\r\nNOOP\r\n",
              kLoginOk + "-ERR [SYS/TEMP] message cannot be read\r\n+OK\r\n",
              {kAuthed, "message_unreadable message 1: injected read failure"}},
             [](Fixture& f) { f.auth.fail_index = 0; });
  // A file the mailbox refuses to open (a symlink or FIFO put in its place): its own text.
  check_case({"refused (not a regular file)",
              kLogin + "RETR 2\r\nTOP 2 0\r\nNOOP\r\n",
              kLoginOk + "-ERR [SYS/PERM] message 2 is not a regular file\r\n" +
                  "-ERR [SYS/PERM] message 2 is not a regular file\r\n+OK\r\n",
              {kAuthed, "message_unreadable message 2: injected read failure",
               "message_unreadable message 2: injected read failure"}},
             [](Fixture& f) {
               f.auth.fail_index = 1;
               f.auth.fail_kind = psyncd::ErrorKind::auth;
             });
  check_case({"unreadable mid-stream",
              kLogin + "RETR 1\r\nNOOP\r\n",
              kLoginOk + "+OK 23 octets\r\nSubject:",
              {kAuthed, "message_unreadable message 1: injected read failure",
               "close: message became unreadable: message 1: injected read failure"}},
             [](Fixture& f) {
               f.auth.fail_index = 0;
               f.auth.fail_offset = 8;
               f.auth.max_read = 4;
             });
}

TEST_CASE("session: gate_credentials holds each login attempt before its check") {
  Fixture f;
  f.config.gate_credentials = true;
  Session s(f.config, f.auth);
  s.consume_output(s.pending_output().size());
  s.receive("USER alice\r\nPASS secret\r\nSTAT\r\n");
  CHECK(s.pending_output() == "+OK password required for alice\r\n");
  CHECK_FALSE(s.wants_input());
  auto e = s.next_event();
  REQUIRE(e);
  CHECK(e->kind == SessionEvent::Kind::check_credentials);
  CHECK_FALSE(s.next_event());
  CHECK(f.auth.opened.empty());  // nothing checked yet
  s.consume_output(s.pending_output().size());
  s.resume();
  CHECK(s.pending_output() == "+OK maildrop has 2 messages (57 octets)\r\n+OK 2 57\r\n");
  CHECK(render_event(*s.next_event()) == kAuthed);
}

TEST_CASE("session: refuse_login answers a held attempt without checking it") {
  Fixture f;
  f.config.gate_credentials = true;
  Session s(f.config, f.auth);
  s.consume_output(s.pending_output().size());
  const std::string refusal = "-ERR [SYS/TEMP] too many failed logins";
  for (const std::string attempt :
       {"USER alice\r\nPASS secret\r\n", "APOP alice 0123456789abcdef0123456789abcdef\r\n",
        "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"}) {
    s.receive(attempt);
    auto e = s.next_event();
    REQUIRE(e);
    CHECK(e->kind == SessionEvent::Kind::check_credentials);
    s.refuse_login(refusal);
    std::string out(s.pending_output());
    s.consume_output(out.size());
    CHECK(out.substr(out.size() - refusal.size() - 2) == refusal + "\r\n");
    CHECK_FALSE(s.next_event());  // no login_failed: nothing was checked
    CHECK(s.state() == Session::State::authorization);
  }
  CHECK(f.auth.opened.empty());
  // The session goes on: the next attempt is held again, and may succeed.
  s.receive("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n");
  REQUIRE(s.next_event()->kind == SessionEvent::Kind::check_credentials);
  s.resume();
  CHECK(s.state() == Session::State::transaction);
}
