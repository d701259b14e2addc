// ProtocolTrace: a readable transcript of one POP3 client session for `psyncd --trace`, fed
// the bytes as they go out and come in, giving one line per command and reply: "C: STAT",
// "S: +OK 2 320". Credentials never reach it in clear: USER's and APOP's arguments, PASS,
// AUTH's initial response and every SASL exchange line (both ways) are replaced by
// "<redacted N bytes>". Message bodies (RETR, TOP) are not shown, only their size; listings
// (CAPA, UIDL, LIST) show their first lines and a count. Pure: no I/O, the sink decides where
// lines go. Not thread-safe (one per session).
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

namespace psyncd::pop3 {

// The command line (without CRLF) as a trace shows it. `sasl_response`: the line answers a
// SASL challenge, so all of it is a credential.
std::string redact_command(std::string_view line, bool sasl_response = false);

class ProtocolTrace {
 public:
  using Sink = std::function<void(std::string_view line)>;
  static constexpr std::size_t kListingLines = 10;  // listing lines shown before the count

  explicit ProtocolTrace(Sink sink) : sink_(std::move(sink)) {}

  void sent(std::string_view bytes);      // client to server
  void received(std::string_view bytes);  // server to client
  void note(std::string_view text);       // "* text": TLS, connection events

 private:
  enum class Reply { single, listing, body, auth };
  void client_line(const std::string& line);
  void server_line(std::string line);
  void block_line(const std::string& line);

  Sink sink_;
  std::string out_partial_, in_partial_;
  std::deque<Reply> pending_;  // replies still owed, in command order (pipelining)
  bool sasl_ = false;          // inside an AUTH exchange: lines both ways are credentials
  bool in_block_ = false;      // reading a multi-line reply
  Reply block_ = Reply::single;
  std::size_t block_lines_ = 0;
  std::size_t block_bytes_ = 0;
};

}  // namespace psyncd::pop3
