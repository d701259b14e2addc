// Test helper for byte-exact pop3::ClientSession transcripts: a session plus a switch that
// feeds the server's bytes whole or one byte at a time, the RFC 1939 sample greeting and
// credentials, and the USER/PASS login that brings a session to the transaction state
// (together when the server pipelines, else lock-step). Header-only; no sockets.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "pop3/client/session.hpp"

namespace psyncd::test {

inline const std::string kTalkGreeting = "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>";
inline const std::vector<std::string> kTalkPipelining = {"USER", "UIDL", "TOP", "PIPELINING"};

inline pop3::ClientOptions talk_options(pop3::AuthMode auth = pop3::AuthMode::clear) {
  pop3::ClientOptions o;
  o.user = "mrose";
  o.password = "tanstaaf";
  o.auth = auth;
  o.peer = "pop.example.org:110";
  return o;
}

struct Talk {
  pop3::ClientSession s;
  bool bytewise;
  Talk(pop3::ClientOptions o, bool by_byte, std::string greeting = kTalkGreeting,
       const std::vector<std::string>& capa = {})
      : s(std::move(o), std::move(greeting), capa), bytewise(by_byte) {}
  void server(std::string_view bytes) {
    if (!bytewise) return s.feed(bytes);
    for (char c : bytes) s.feed(std::string_view(&c, 1));
  }
  std::string client() { return s.take_output(); }
};

// Logs in with USER/PASS so later cases start in the transaction state.
inline void talk_login(Talk& t) {
  t.s.login();
  if (t.s.pipelining()) {
    REQUIRE(t.client() == "USER mrose\r\nPASS tanstaaf\r\n");
    t.server("+OK\r\n+OK maildrop locked\r\n");
  } else {
    REQUIRE(t.client() == "USER mrose\r\n");
    t.server("+OK\r\n");
    REQUIRE(t.client() == "PASS tanstaaf\r\n");
    t.server("+OK maildrop locked\r\n");
  }
  REQUIRE(t.s.state() == pop3::ClientSession::State::idle);
}

}  // namespace psyncd::test
