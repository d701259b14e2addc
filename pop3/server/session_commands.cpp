// Session: the command table. One row per server command: its keyword, the arguments the
// parser checks (pop3/command.hpp), the states that take it (RFC 1939 §4-6; CAPA in both,
// RFC 2449 §5), its handler, and the CAPA lines it brings. Adding a command is one row here,
// its handler, and its replies in REPLIES.md (tests/unit/pop3/server/session_commands_test.cpp
// checks the states there against this table).
#include <array>

#include "pop3/server/session.hpp"

namespace psyncd::pop3 {

namespace {
using Args = CommandArgs;
}  // namespace

std::span<const Session::CommandEntry> Session::commands() {
  // CAPA lists what the client can still use: in AUTHORIZATION every command's capabilities,
  // in TRANSACTION those of the commands TRANSACTION takes (so not USER, SASL or STLS).
  static constexpr std::array<CommandEntry, 16> kCommands = {{
      {"USER", Args::name, true, false, &Session::cmd_user,
       [](const Session& s, Capabilities& c) { c.user = !s.cleartext_refused(); }},
      {"PASS", Args::text, true, false, &Session::cmd_pass, nullptr},
      {"APOP", Args::apop, true, false, &Session::cmd_apop, nullptr},
      {"AUTH", Args::auth, true, false, &Session::cmd_auth,
       [](const Session& s, Capabilities& c) { c.sasl = s.offered_sasl(); }},
      {"CAPA", Args::none, true, true, &Session::cmd_capa, nullptr},
      {"STLS", Args::none, true, false, &Session::cmd_stls,
       [](const Session& s, Capabilities& c) {
         c.stls = s.config_.tls_available && !s.tls_active_;
       }},
      {"STAT", Args::none, false, true, &Session::cmd_stat, nullptr},
      {"LIST", Args::opt_number, false, true, &Session::cmd_list, nullptr},
      {"UIDL", Args::opt_number, false, true, &Session::cmd_uidl,
       [](const Session&, Capabilities& c) { c.uidl = true; }},
      {"RETR", Args::number, false, true, &Session::cmd_retr, nullptr},
      {"TOP", Args::top, false, true, &Session::cmd_top,
       [](const Session&, Capabilities& c) { c.top = true; }},
      {"DELE", Args::number, false, true, &Session::cmd_dele, nullptr},
      {"RSET", Args::none, false, true, &Session::cmd_rset, nullptr},
      {"NOOP", Args::none, false, true, &Session::cmd_noop, nullptr},
      {"LAST", Args::none, false, true, &Session::cmd_last, nullptr},
      {"QUIT", Args::none, true, true, &Session::cmd_quit, nullptr},
  }};
  return kCommands;
}

const Session::CommandEntry* Session::find_command(std::string_view keyword) {
  for (const auto& c : commands()) {
    if (c.keyword == keyword) return &c;
  }
  return nullptr;
}

std::optional<CommandArgs> Session::command_syntax(std::string_view keyword) {
  const CommandEntry* c = find_command(keyword);
  if (c == nullptr) return std::nullopt;
  return c->args;
}

std::vector<Session::CommandStates> Session::command_states() {
  std::vector<CommandStates> out;
  for (const auto& c : commands()) out.push_back({c.keyword, c.authorization, c.transaction});
  return out;
}

void Session::dispatch(const Command& cmd) {
  const CommandEntry* c = find_command(cmd.keyword);
  if (c == nullptr) return;  // parse_command only returns commands the table has
  if (state_ == State::authorization && !c->authorization) {
    fail_and_count("log in first");
    return;
  }
  if (state_ == State::transaction && !c->transaction) {
    fail_and_count("already logged in");
    return;
  }
  (this->*c->handler)(cmd);
}

void Session::cmd_capa(const Command&) {
  Capabilities caps;
  caps.pipelining = caps.resp_codes = caps.auth_resp_code = true;
  for (const auto& c : commands()) {
    if (c.capa != nullptr && (state_ == State::authorization || c.transaction)) c.capa(*this, caps);
  }
  caps.implementation = "psyncd";
  std::string out = build_capa(caps);
  out.resize(out.size() - 2);  // reply() adds the final CRLF
  reply(out);
}

}  // namespace psyncd::pop3
