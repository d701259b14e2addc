// Fuzz target: the POP3 server session fed arbitrary client bytes, in pieces whose sizes come
// from the first input byte, over an in-memory mailbox and account table. Also runs each line
// through parse_command. Any crash, hang or sanitizer report is a bug; so is output that does
// not end in CRLF once the session is idle.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pop3/command.hpp"
#include "pop3/server/session.hpp"
#include "tests/support/pop3/server/server_fakes.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace psyncd::pop3;
  if (size == 0) return 0;
  const std::size_t step = 1 + data[0] % 16;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);

  test::FakeAuth auth;
  auth.accounts["alice"] = {"secret"};
  auth.accounts["bob"] = {"pw", AuthStatus::disabled};
  auth.messages = {{"u1", "Subject: a\r\n\r\nbody\r\n.\r\n"}, {"u2", "x\n.y\nz"}, {"u3", ""}};
  auth.max_read = 3;
  SessionConfig config;
  config.apop_timestamp = "<1.2@fuzz>";
  config.tls_available = (data[0] & 0x40) != 0;
  config.cleartext_before_tls = (data[0] & 0x80) != 0;
  config.output_high_water = 64;
  config.read_chunk = 7;
  config.random = [](std::size_t n) { return std::string(n, 'r'); };
  Session session(config, auth);
  auto t = test::run_session(session, input, step, (data[0] & 0x20) != 0);
  if (!t.output.empty() &&
      (t.output.size() < 2 || t.output.substr(t.output.size() - 2) != "\r\n") &&
      session.state() != Session::State::closed) {
    std::abort();  // an idle, open session has only complete replies out
  }
  std::size_t start = 0;
  while (start < input.size()) {
    std::size_t end = input.find('\n', start);
    if (end == std::string::npos) end = input.size();
    auto cmd =
        parse_command(std::string_view(input).substr(start, end - start), &Session::command_syntax);
    if (!cmd.ok() && cmd.error().text.empty()) std::abort();
    start = end + 1;
  }
  return 0;
}
