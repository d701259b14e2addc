// The session's output is produced incrementally: a big RETR streams through a bounded
// buffer in MailboxView::read-sized chunks, and long pipelines are answered in order.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/ascii.hpp"
#include "pop3/apop.hpp"
#include "pop3/server/session.hpp"
#include "tests/support/pop3/server/server_fakes.hpp"

using namespace psyncd::pop3;
using namespace psyncd::pop3::test;

TEST_CASE("session: a large RETR streams through a bounded output buffer") {
  std::string message;
  for (int i = 0; message.size() < 1000000; ++i)
    message += (i % 7 == 0 ? "." : "") + std::string("line ") + std::to_string(i) + "\n";
  FakeAuth auth;
  auth.accounts["alice"] = {"secret"};
  auth.messages = {{"big", message}};
  SessionConfig config;
  config.cleartext_before_tls = true;
  config.output_high_water = 4096;
  config.read_chunk = 1000;
  Session s(config, auth);
  s.receive("USER alice\r\nPASS secret\r\nRETR 1\r\nQUIT\r\n");
  std::string out;
  std::size_t max_pending = 0;
  while (true) {
    auto pending = s.pending_output();
    if (pending.empty()) break;
    max_pending = std::max(max_pending, pending.size());
    const std::size_t n = std::min<std::size_t>(pending.size(), 777);  // a slow socket
    out.append(pending.substr(0, n));
    s.consume_output(n);
  }
  // One chunk may expand to at most twice its size (LF -> CRLF, stuffing) past the mark.
  CHECK(max_pending <= config.output_high_water + 2 * config.read_chunk + 200);
  CHECK(auth.last_box->reads > 900);
  DotEncoder e(EncoderInput::wire_form);
  std::string wire;
  e.encode(message, wire);
  e.finish(wire);
  const std::string head = "+OK " + std::to_string(e.message_octets()) + " octets\r\n";
  const auto body_at = out.find(head);
  REQUIRE(body_at != std::string::npos);
  CHECK(out.substr(body_at + head.size(), wire.size()) == wire);
  CHECK(out.substr(out.size() - 36) == "+OK psyncd POP3 server signing off\r\n");
  CHECK(s.finished());
}

TEST_CASE("session: 300 pipelined RETRs answered in order, whole and byte by byte") {
  FakeAuth auth;
  auth.accounts["alice"] = {"secret"};
  std::string commands = "APOP alice " + apop_digest("<t@x>", "secret") + "\r\n";
  std::string want = "+OK hi <t@x>\r\n+OK maildrop has 300 messages (";
  std::string bodies;
  std::uint64_t total = 0;
  for (int i = 1; i <= 300; ++i) {
    const std::string msg =
        "Subject: " + std::to_string(i) + "\r\n\r\n..body\r\n";  // stored stuffed
    auth.messages.push_back({"u" + std::to_string(i), msg});
    total += msg.size();
    commands += "RETR " + std::to_string(i) + "\r\n";
    bodies += "+OK " + std::to_string(msg.size()) + " octets\r\nSubject: " + std::to_string(i) +
              "\r\n\r\n..body\r\n.\r\n";
  }
  for (int i = 1; i <= 300; ++i) commands += "DELE " + std::to_string(i) + "\r\n";
  for (int i = 1; i <= 300; ++i) bodies += "+OK message " + std::to_string(i) + " deleted\r\n";
  commands += "QUIT\r\n";
  want += std::to_string(total) + " octets)\r\n" + bodies +
          "+OK psyncd POP3 server signing off (messages deleted)\r\n";
  for (std::size_t step : {std::size_t{0}, std::size_t{1}, std::size_t{1000}}) {
    INFO("step " << step);
    SessionConfig config;
    config.greeting = "hi";
    config.apop_timestamp = "<t@x>";
    config.output_high_water = 512;
    Session s(config, auth);
    auto t = run_session(s, commands, step);
    CHECK(t.output == want);
    REQUIRE(t.events.size() == 3);
    CHECK(t.events[1].substr(0, 22) == "commit_deletions 0 1 2");
  }
}

TEST_CASE("session: APOP digest is compared case-insensitively") {
  FakeAuth auth;
  auth.accounts["alice"] = {"secret"};
  SessionConfig config;
  config.greeting = "hi";
  config.apop_timestamp = "<t@x>";
  Session s(config, auth);
  std::string digest = apop_digest("<t@x>", "secret");
  for (char& c : digest) c = psyncd::ascii_upper(c);
  auto t = run_session(s, "APOP alice " + digest + "\r\n", 0);
  CHECK(t.output == "+OK hi <t@x>\r\n+OK maildrop has 0 messages (0 octets)\r\n");
  CHECK(s.state() == Session::State::transaction);
}
