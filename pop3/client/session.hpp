// ClientSession: the POP3 client protocol as a pure state machine (no sockets, no clock).
// Operations (login, stat, uidl, list, retrieve, dele, quit) become command bytes; server
// bytes become results: XMail's CLR/APOP/FAPOP auth plus SASL, strict listings. When the
// server offers PIPELINING: USER+PASS sent together, STAT+UIDL+LIST together, RETR/DELE
// windows, and QUIT behind the last RETR or DELE when asked (else lock-step). Nothing is ever
// sent ahead of the login's reply (see login()). Bodies are streamed to a MessageSink.
// A protocol violation fails the session with an Error, never a throw. Blocking loop: client.hpp.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "pop3/capa.hpp"
#include "pop3/client/listing.hpp"
#include "pop3/client/oauth_sasl.hpp"
#include "pop3/client/sasl_client.hpp"
#include "pop3/dot_codec.hpp"
#include "pop3/line_reader.hpp"
#include "pop3/reply.hpp"

namespace psyncd::pop3 {

enum class AuthMode {
  clear,  // USER/PASS (CLR, or no option)
  apop,   // APOP when the greeting has a timestamp; on -ERR fall back to USER/PASS
  fapop,  // APOP only: no timestamp or -ERR fails the link (XMail would use USER/PASS)
  sasl,   // AUTH (RFC 5034) through GNU SASL, or XOAUTH2/OAUTHBEARER (extension)
};

struct ClientOptions {
  std::string user;
  std::string password;
  AuthMode auth = AuthMode::clear;
  std::string sasl_mechanism;  // with AuthMode::sasl; empty = strongest both sides know
  // XOAUTH2/OAUTHBEARER: `password` is the access token; OAUTHBEARER names the server too.
  std::string server_host;
  unsigned server_port = 0;
  std::string peer;             // "host:port", put in Error::file
  std::size_t max_line = 8192;  // status and listing lines, CRLF included (RFC 2449: 512)
  ListingLimits limits;
  std::uint32_t window_count = 512;              // pipelined commands in flight, at most
  std::uint64_t window_bytes = 2u << 20;         // expected RETR bytes in flight, at most
  std::uint64_t max_message_bytes = 1ull << 30;  // a longer body fails the link
  bool retr_via_top = false;                     // fetch with "TOP n 99999999" instead
};

// Receives message bodies, unstuffed, CRLF line ends, in chunks. An error from a callback
// fails the session (the message is then not complete and must not be committed).
class MessageSink {
 public:
  virtual ~MessageSink() = default;
  virtual Result<void> begin(std::uint32_t number) = 0;
  virtual Result<void> data(std::string_view chunk) = 0;
  virtual Result<void> end(std::uint32_t number) = 0;
  // The server answered -ERR for this message; the transfer goes on with the next one.
  virtual void refused(std::uint32_t number, const Reply& reply) = 0;
};

struct FetchItem {
  std::uint32_t number = 0;
  std::uint64_t expected_octets = 0;  // from LIST, to bound the pipelining window; 0 = unknown
};

class ClientSession {
 public:
  enum class State { idle, busy, failed, closed };

  ClientSession(ClientOptions options, std::string greeting,
                const std::vector<std::string>& capa_lines);
  ~ClientSession();

  // Each operation starts only from State::idle and ends in idle (done), failed or closed.
  // with_listing: STAT+UIDL+LIST go out as soon as the login's +OK arrives, as part of this
  // operation; listed_with_login() then says the listing results are in. They never go out
  // ahead of that +OK, even to a server that offers PIPELINING: a server may hand the
  // connection to another process at login and lose what was sent ahead (Courier's
  // pop3login execs pop3d with the pipelined STAT/UIDL/LIST still in its buffer).
  void login(bool with_listing = false);
  bool listed_with_login() const { return listed_with_login_; }
  void stat();
  void uidl();
  void list();
  // STAT + UIDL + LIST in one round trip when the server pipelines; results as above.
  void listing();
  // then_quit: QUIT follows the last command into the pipeline, so its reply comes with
  // the last message or DELE reply instead of one round trip later; the session ends
  // closed. Only for a caller that has nothing more to send (the engine's last batch).
  void retrieve(const std::vector<FetchItem>& items, MessageSink& sink, bool then_quit = false);
  void dele(const std::vector<std::uint32_t>& numbers, bool then_quit = false);
  void quit();
  // QUIT, its reply awaited only when it is needed: after a DELE (the +OK commits the
  // deletions) this is quit(); with none, nothing waits on the server's UPDATE state, so the
  // session ends as soon as the command is taken (take_output) instead of a round trip later.
  void quit_when_needed();
  bool dele_sent() const { return dele_sent_; }
  // Queue behind whatever is queued or in flight (idle or busy with RETR/DELE, no QUIT asked
  // for yet), each RETR with its own sink: the fetch engine asks for batch k+1 before it
  // commits batch k, and for batch k's DELEs once that commit is durable. DELE refusals
  // accumulate in dele_refused() (dele() starts it afresh).
  void add_retrieve(const std::vector<FetchItem>& items, MessageSink& sink);
  void add_dele(const std::vector<std::uint32_t>& numbers, bool then_quit = false);
  // RETRs for `sink` not yet answered whole (queued or in flight).
  std::size_t outstanding(const MessageSink& sink) const;
  // Sends no more of the RETRs queued; replies to the commands already sent are still read
  // (a pipelined window finishes), queued DELEs and a QUIT asked for still follow.
  // For a stop request (SIGTERM): the transfer ends after the messages in flight.
  void drain();

  // Bytes to send to the server now (taken: the session forgets them).
  std::string take_output();
  // Bytes from the server, any chunking.
  void feed(std::string_view bytes);
  // The server closed the connection.
  void peer_closed();

  State state() const { return state_; }
  const Error& error() const { return error_; }
  const Capabilities& capabilities() const { return caps_; }
  bool pipelining() const { return caps_.pipelining; }
  const std::string& apop_stamp() const { return stamp_; }
  // The server accepted the login (PASS, APOP or AUTH +OK), whatever happened after.
  bool logged_in() const { return logged_in_; }
  // Some byte arrived after the login's +OK: false means the server went silent right after
  // accepting the login (what a timeout then means differs; see Client).
  bool heard_since_login() const { return heard_since_login_ > 0; }
  // The command whose reply is awaited ("STAT", "RETR", ...), or "" when none is.
  const char* awaiting() const;

  // Results of the last operation of each kind.
  const std::string& auth_used() const { return auth_used_; }  // "USER", "APOP", "SASL PLAIN"
  const Stat& stat_result() const { return stat_; }
  bool uidl_refused() const { return uidl_refused_; }  // -ERR to UIDL: not an error (XMail)
  std::vector<UidlEntry>& uidl_result() { return uidl_.entries(); }
  std::vector<ListEntry>& list_result() { return list_.entries(); }
  const std::vector<std::uint32_t>& dele_refused() const { return dele_refused_; }
  // XOAUTH2/OAUTHBEARER: the server's error challenge of the last login, decoded (its `ok`
  // false when the server sent none).
  const OAuthError& oauth_error() const { return oauth_error_; }

 private:
  enum class Cmd { user, pass, apop, auth, stat, uidl, list, retr, dele, quit };
  struct Pending {
    Cmd cmd;
    std::uint32_t number = 0;
    std::uint64_t expected = 0;
    MessageSink* sink = nullptr;  // RETR: where the body goes
  };
  enum class Mode { line, listing, body };

  bool begin_op(const char* name);
  bool begin_add(const char* name);
  void queue_retrieve(const std::vector<FetchItem>& items, MessageSink& sink, bool then_quit);
  void queue_dele(const std::vector<std::uint32_t>& numbers, bool then_quit);
  void queued_done(bool then_quit);
  void send(Cmd cmd, std::string_view line, std::uint32_t number = 0, std::uint64_t expected = 0,
            MessageSink* sink = nullptr);
  void fill_window();
  void reply_done();
  void fail(ErrorKind kind, std::string field, std::string text,
            ErrorCause cause = ErrorCause::none);
  // The server answered -ERR (or something unexpected): its line goes into Error::reply,
  // apart from our words.
  void fail_reply(ErrorKind kind, std::string field, std::string text, std::string_view line,
                  ErrorCause cause = ErrorCause::peer_refused);
  // A failure of the sink (or other inner step) while handling `field`: our prefix, the inner
  // diagnosis, and the inner cause and reply kept.
  void fail_inner(std::string field, const std::string& prefix, const Error& inner);
  void process();
  void on_line(std::string_view line);
  void on_listing_line(std::string_view line);
  void on_reply(const Reply& reply, std::string_view line);
  void on_auth_reply(Cmd cmd, const Reply& reply, std::string_view line);
  void on_sasl_reply(const Reply& reply, std::string_view line);
  void auth_refused(const Reply& reply, std::string_view line);
  void start_user_pass();
  void login_accepted();
  void start_listing();
  void start_sasl();
  void start_oauth(OAuthMech mech);
  void on_oauth_reply(const Reply& reply, std::string_view line);
  void on_retr_reply(const Pending& p, const Reply& reply);
  std::string_view feed_body(std::string_view bytes);

  ClientOptions options_;
  std::string greeting_;
  Capabilities caps_;
  bool capa_answered_ = false;  // the server answered CAPA (else caps_ is empty by default)
  std::string stamp_;
  State state_ = State::idle;
  Error error_;
  Mode mode_ = Mode::line;
  std::string out_;
  LineReader reader_;
  std::deque<Pending> in_flight_;
  std::deque<Pending> queued_;
  std::uint64_t in_flight_bytes_ = 0;
  bool quit_queued_ = false;
  bool dele_sent_ = false;  // some DELE went out in this session
  bool logged_in_ = false;
  bool listed_with_login_ = false;
  bool list_after_login_ = false;
  std::uint64_t heard_since_login_ = 0;  // bytes received after the login's +OK

  std::unique_ptr<SaslClient> sasl_;
  // XOAUTH2/OAUTHBEARER: which one, and where the exchange is.
  enum class OAuthPhase { none, awaiting_go_ahead, token_sent, error_answered };
  OAuthMech oauth_mech_ = OAuthMech::xoauth2;
  OAuthPhase oauth_phase_ = OAuthPhase::none;
  std::string oauth_response_;  // base64, sent after the go-ahead when too long for AUTH's line
  OAuthError oauth_error_;
  bool sasl_finished_ = false;
  std::string auth_used_;
  Stat stat_;
  std::optional<std::uint32_t> stat_count_;
  UidlListing uidl_{{}, std::nullopt};
  ListListing list_{{}, std::nullopt};
  bool uidl_refused_ = false;
  std::vector<std::uint32_t> dele_refused_;
  DotDecoder decoder_;
  std::string chunk_;
  std::uint64_t body_bytes_ = 0;
};

}  // namespace psyncd::pop3
