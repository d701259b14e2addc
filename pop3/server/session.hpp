// The POP3 server session (RFC 1939, 2449, 2595, 5034): a sans-I/O state machine. The adapter
// feeds received bytes with receive(), sends what pending_output() shows and acknowledges it
// with consume_output(), and acts on events (start TLS, close, delay after a failed login,
// delete files at QUIT). Output is produced lazily up to a bound, so a RETR of any size
// streams from MailboxView::read in chunks. No sockets, timers, TLS or files here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pop3/capa.hpp"
#include "pop3/command.hpp"
#include "pop3/dot_codec.hpp"
#include "pop3/line_reader.hpp"
#include "pop3/server/authenticator.hpp"
#include "pop3/server/sasl_mechanism.hpp"

namespace psyncd::pop3 {

struct SessionConfig {
  std::string greeting = "psyncd POP3 server ready";
  std::string apop_timestamp;          // "<...>" appended to the greeting; empty: no APOP
  std::string hostname = "localhost";  // in the CRAM-MD5 challenge
  bool tls_available = false;          // STLS may be offered (a certificate is loaded)
  bool tls_active = false;             // POP3S: TLS from the first byte
  bool cleartext_before_tls = false;   // allow USER/PASS, PLAIN, LOGIN without TLS
  // Command line cap including CRLF. RFC 2449 says 255 octets; XMail reads 1022 + CRLF and
  // SASL responses can be longer than 255, so we take XMail's figure.
  std::size_t max_line = 1024;
  std::size_t output_high_water = 64 * 1024;  // stop producing above this many unsent bytes
  std::size_t read_chunk = 16 * 1024;         // MailboxView::read size while streaming
  std::size_t max_bad_commands = 20;          // then "-ERR too many errors" and close
  // Hold each login attempt (PASS, APOP, AUTH mech) before it checks credentials, with a
  // check_credentials event: the adapter charges the client's address first (pop3d's
  // IpPenalty) and then calls resume(), or refuse_login().
  bool gate_credentials = false;
  std::vector<std::string> sasl = supported_sasl_mechanisms();
  RandomSource random;  // default: OpenSSL RAND_bytes
};

struct SessionEvent {
  enum class Kind {
    start_tls,           // flush pending output, do the handshake, then call tls_started()
    close,               // flush pending output, then close; the session takes no more input
    authenticated,       // user, method
    login_failed,        // user (as given), method, status, reason; call resume() after the delay
    commit_deletions,    // at QUIT: delete `deletions`, then call deletions_committed()
    input_discarded,     // bytes pipelined after STLS were dropped (possible injection)
    message_unreadable,  // RETR/TOP could not read a message: reason (the file, why)
    check_credentials,   // (gate_credentials) a login attempt waits: resume() or refuse_login()
  };
  Kind kind = Kind::close;
  std::string user;
  std::string method;  // "USER", "APOP", "AUTH PLAIN", ...
  AuthStatus status = AuthStatus::ok;
  std::string reason;
  std::vector<std::size_t> deletions;  // 0-based message indexes, ascending
  std::size_t bytes = 0;
};

class Session {
 public:
  enum class State { authorization, transaction, update, closed };

  Session(SessionConfig config, Authenticator& auth);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void receive(std::string_view bytes);
  // Produces more output if there is room, then shows everything not yet consumed.
  std::string_view pending_output();
  void consume_output(std::size_t n);
  std::optional<SessionEvent> next_event();

  void tls_started();
  // Ends a login delay, or lets a login attempt held by check_credentials go on.
  void resume();
  // Answers a login attempt held by check_credentials with `text` (a whole "-ERR ..." line)
  // without checking its credentials; not a failed login (no login_failed event).
  void refuse_login(std::string_view text);
  void deletions_committed(bool ok);

  State state() const { return state_; }
  bool tls_active() const { return tls_active_; }
  // The mailbox opened at login (nullptr before): the adapter maps commit_deletions indexes
  // through it. It stays open (locked) until the session is destroyed.
  MailboxView* mailbox() const { return mailbox_.get(); }
  // False while the session is holding (TLS, login delay, update) or has lots of unread input:
  // the adapter should stop reading the socket then.
  bool wants_input() const;
  // Closed and all output consumed.
  bool finished() const { return state_ == State::closed && out_.size() == out_start_; }

  // The server's commands (session_commands.cpp): the argument shape of `keyword` for
  // parse_command, nullopt for a command the server does not have.
  static std::optional<CommandArgs> command_syntax(std::string_view keyword);
  // Which states take each command, in table order (REPLIES.md's state column).
  struct CommandStates {
    std::string_view keyword;
    bool authorization;
    bool transaction;
  };
  static std::vector<CommandStates> command_states();

 private:
  enum class Hold { none, tls, login_delay, update, credentials };
  // A RETR or TOP in progress: which message, how far its stored bytes have been read.
  struct Stream {
    Stream(std::size_t i, std::uint64_t off, std::optional<std::uint64_t> top_lines)
        : index(i), offset(off), encoder(EncoderInput::wire_form, top_lines), retr(!top_lines) {}
    // RETR takes the fast path (retr_stuffing.hpp); TOP the encoder alone.
    void encode(std::string_view in, std::string& out);
    std::size_t index;
    std::uint64_t offset;
    DotEncoder encoder;
    bool retr;
    bool at_line_start = true;
  };

  // One row of the command table (session_commands.cpp).
  struct CommandEntry {
    std::string_view keyword;
    CommandArgs args;
    bool authorization;  // allowed before login
    bool transaction;    // allowed after it
    void (Session::*handler)(const Command&);
    void (*capa)(const Session&, Capabilities&);  // what CAPA says for it; nullptr: nothing
  };
  static std::span<const CommandEntry> commands();
  static const CommandEntry* find_command(std::string_view keyword);

  void pump();
  bool fill_stream();
  void handle_line(std::string_view line);
  void dispatch(const Command& cmd);
  void reply(std::string_view line);  // appends line + CRLF
  void fail_and_count(std::string_view text);
  void close_session(std::string reason);
  void emit(SessionEvent event);

  // session_auth.cpp
  void cmd_user(const Command& cmd);
  void cmd_pass(const Command& cmd);
  void cmd_apop(const Command& cmd);
  void cmd_auth(const Command& cmd);
  void cmd_capa(const Command& cmd);
  void cmd_stls(const Command& cmd);
  void sasl_response(std::string_view line);
  void sasl_result(const SaslStep& step);
  bool cleartext_refused() const;
  bool credentials_gate(const Command& cmd);
  void login_succeeded(const std::string& user, std::string method);
  void login_failed(std::string user, std::string method, AuthStatus status, std::string reason,
                    std::string_view text = {});
  std::vector<std::string> offered_sasl() const;

  // session_transaction.cpp
  void cmd_stat(const Command& cmd);
  void cmd_list(const Command& cmd);
  void cmd_uidl(const Command& cmd);
  void list_or_uidl(const Command& cmd, bool uidl);
  void cmd_retr(const Command& cmd);
  void cmd_top(const Command& cmd);
  void cmd_dele(const Command& cmd);
  void cmd_rset(const Command& cmd);
  void cmd_noop(const Command& cmd);
  void cmd_last(const Command& cmd);
  void cmd_quit(const Command& cmd);
  bool check_message(const Command& cmd);
  // The messages not marked deleted: how many, and their octets (STAT, and PASS's +OK).
  struct Totals {
    std::size_t messages = 0;
    std::uint64_t octets = 0;
  };
  Totals live_totals() const;
  std::string maildrop_summary() const;
  void start_stream(std::size_t index, std::optional<std::uint64_t> top_lines,
                    std::string_view ok_line);

  SessionConfig config_;
  Authenticator& auth_;
  LineReader reader_;
  State state_ = State::authorization;
  Hold hold_ = Hold::none;
  bool tls_active_ = false;
  std::string out_;
  std::size_t out_start_ = 0;
  std::deque<SessionEvent> events_;
  std::size_t bad_commands_ = 0;

  std::string pending_user_;      // after USER
  std::optional<Command> gated_;  // the login attempt held by check_credentials
  bool gate_open_ = false;        // the next credentials_gate() lets it through
  std::unique_ptr<SaslMechanism> sasl_;
  std::string sasl_name_;

  std::unique_ptr<MailboxView> mailbox_;
  std::vector<bool> deleted_;
  std::size_t last_ = 0;  // highest message number touched (LAST)
  std::optional<Stream> stream_;
  std::vector<char> chunk_;
};

}  // namespace psyncd::pop3
