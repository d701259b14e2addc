#include "pop3/client/session.hpp"

#include <fmt/format.h>

#include <utility>

#include "pop3/apop.hpp"

namespace psyncd::pop3 {

namespace {

const char* cmd_name(int cmd) {
  static const char* const names[] = {"USER", "PASS", "APOP", "AUTH", "STAT",
                                      "UIDL", "LIST", "RETR", "DELE", "QUIT"};
  return names[cmd];
}

}  // namespace

ClientSession::ClientSession(ClientOptions options, std::string greeting,
                             const std::vector<std::string>& capa_lines)
    : options_(std::move(options)), greeting_(std::move(greeting)), reader_(options_.max_line) {
  // A malformed capability line is ignored: CAPA is advisory (RFC 2449 §5).
  for (const auto& line : capa_lines) (void)parse_capa_line(line, caps_);
  capa_answered_ = !capa_lines.empty();
  if (auto stamp = apop_timestamp(greeting_)) stamp_ = std::move(*stamp);
}

ClientSession::~ClientSession() = default;

bool ClientSession::begin_op(const char* name) {
  if (state_ != State::idle) {
    if (state_ != State::failed)
      fail(ErrorKind::internal, name, "operation started while not idle");
    return false;
  }
  state_ = State::busy;
  return true;
}

// Adding to a running transfer: only RETR/DELE work may be under way, and no QUIT asked for.
bool ClientSession::begin_add(const char* name) {
  if (state_ == State::idle) {
    state_ = State::busy;
    return true;
  }
  bool other = false;
  for (const auto* q : {&in_flight_, &queued_}) {
    for (const auto& p : *q) other = other || (p.cmd != Cmd::retr && p.cmd != Cmd::dele);
  }
  if (state_ != State::busy || quit_queued_ || other) {
    if (state_ != State::failed) fail(ErrorKind::internal, name, "added to other work");
    return false;
  }
  return true;
}

void ClientSession::send(Cmd cmd, std::string_view line, std::uint32_t number,
                         std::uint64_t expected, MessageSink* sink) {
  out_ += line;
  out_ += "\r\n";
  in_flight_.push_back(Pending{cmd, number, expected, sink});
  in_flight_bytes_ += expected;
}

std::string ClientSession::take_output() { return std::exchange(out_, {}); }

const char* ClientSession::awaiting() const {
  return in_flight_.empty() ? "" : cmd_name(static_cast<int>(in_flight_.front().cmd));
}

void ClientSession::fail(ErrorKind kind, std::string field, std::string text, ErrorCause cause) {
  if (state_ == State::failed) return;
  error_ = Error{kind, options_.peer, 0, std::move(field), std::move(text)};
  error_.cause = cause;
  state_ = State::failed;
  in_flight_.clear();
  queued_.clear();
  quit_queued_ = false;
  out_.clear();
  sasl_.reset();
}

void ClientSession::fail_reply(ErrorKind kind, std::string field, std::string text,
                               std::string_view line, ErrorCause cause) {
  if (state_ == State::failed) return;
  fail(kind, std::move(field), std::move(text), cause);
  error_.reply = std::string(line);
}

void ClientSession::fail_inner(std::string field, const std::string& prefix, const Error& inner) {
  if (state_ == State::failed) return;
  Error kept = inner;
  kept.reply.clear();  // shown once, as the outer error's reply
  fail(inner.kind, std::move(field), prefix + kept.to_string(), inner.cause);
  error_.reply = inner.reply;
}

// --- operations -----------------------------------------------------------------------------

void ClientSession::stat() {
  if (!begin_op("STAT")) return;
  send(Cmd::stat, "STAT");
}

void ClientSession::uidl() {
  if (!begin_op("UIDL")) return;
  uidl_ = UidlListing(options_.limits, stat_count_);
  uidl_refused_ = false;
  send(Cmd::uidl, "UIDL");
}

void ClientSession::list() {
  if (!begin_op("LIST")) return;
  list_ = ListListing(options_.limits, stat_count_);
  send(Cmd::list, "LIST");
}

// STAT, UIDL and LIST as one operation: sent together when the server pipelines (one round
// trip instead of three), else one after the other. The listings are bounded by the STAT
// count, which is known by the time their replies arrive (replies come in order).
void ClientSession::listing() {
  if (!begin_op("STAT")) return;
  start_listing();
}

void ClientSession::start_listing() {
  listed_with_login_ = false;
  uidl_ = UidlListing(options_.limits, std::nullopt);
  list_ = ListListing(options_.limits, std::nullopt);
  uidl_refused_ = false;
  queued_.push_back(Pending{Cmd::stat, 0, 0});
  queued_.push_back(Pending{Cmd::uidl, 0, 0});
  queued_.push_back(Pending{Cmd::list, 0, 0});
  fill_window();
}

void ClientSession::retrieve(const std::vector<FetchItem>& items, MessageSink& sink,
                             bool then_quit) {
  if (!begin_op("RETR")) return;
  queue_retrieve(items, sink, then_quit);
}

void ClientSession::dele(const std::vector<std::uint32_t>& numbers, bool then_quit) {
  if (!begin_op("DELE")) return;
  dele_refused_.clear();
  queue_dele(numbers, then_quit);
}

void ClientSession::add_retrieve(const std::vector<FetchItem>& items, MessageSink& sink) {
  if (!begin_add("RETR")) return;
  queue_retrieve(items, sink, false);
}

void ClientSession::add_dele(const std::vector<std::uint32_t>& numbers, bool then_quit) {
  if (!begin_add("DELE")) return;
  queue_dele(numbers, then_quit);
}

void ClientSession::queue_retrieve(const std::vector<FetchItem>& items, MessageSink& sink,
                                   bool then_quit) {
  for (const auto& item : items)
    queued_.push_back(Pending{Cmd::retr, item.number, item.expected_octets, &sink});
  queued_done(then_quit);
}

void ClientSession::queue_dele(const std::vector<std::uint32_t>& numbers, bool then_quit) {
  for (auto n : numbers) queued_.push_back(Pending{Cmd::dele, n, 0, nullptr});
  queued_done(then_quit);
}

void ClientSession::queued_done(bool then_quit) {
  quit_queued_ = then_quit;
  if (queued_.empty() && in_flight_.empty() && !then_quit) state_ = State::idle;
  fill_window();
}

std::size_t ClientSession::outstanding(const MessageSink& sink) const {
  std::size_t n = 0;
  for (const auto* q : {&in_flight_, &queued_}) {
    for (const auto& p : *q) n += p.cmd == Cmd::retr && p.sink == &sink ? 1 : 0;
  }
  return n;
}

void ClientSession::drain() {
  std::erase_if(queued_, [](const Pending& p) { return p.cmd == Cmd::retr; });
}

void ClientSession::quit() {
  if (!begin_op("QUIT")) return;
  send(Cmd::quit, "QUIT");
}

void ClientSession::quit_when_needed() {
  if (dele_sent_) return quit();  // the +OK commits the deletions: it must be read
  if (!begin_op("QUIT")) return;
  out_ += "QUIT\r\n";
  state_ = State::closed;
}

// Moves queued commands (STAT/UIDL/LIST, RETR, DELE) into flight: a window when the server
// pipelines (RFC 2449 PIPELINING), else one at a time. At least one is always in flight.
void ClientSession::fill_window() {
  const std::uint32_t max_count =
      caps_.pipelining ? std::max<std::uint32_t>(1, options_.window_count) : 1;
  while (!queued_.empty() && in_flight_.size() < max_count) {
    const Pending p = queued_.front();
    if (!in_flight_.empty() && in_flight_bytes_ + p.expected > options_.window_bytes) break;
    queued_.pop_front();
    if (p.cmd == Cmd::stat || p.cmd == Cmd::uidl || p.cmd == Cmd::list) {
      send(p.cmd, cmd_name(static_cast<int>(p.cmd)));
    } else if (p.cmd == Cmd::dele) {
      dele_sent_ = true;
      send(Cmd::dele, fmt::format("DELE {}", p.number), p.number);
    } else if (options_.retr_via_top) {
      send(Cmd::retr, fmt::format("TOP {} 99999999", p.number), p.number, p.expected, p.sink);
    } else {
      send(Cmd::retr, fmt::format("RETR {}", p.number), p.number, p.expected, p.sink);
    }
  }
  if (quit_queued_ && queued_.empty() && in_flight_.size() < max_count) {
    quit_queued_ = false;
    send(Cmd::quit, "QUIT");
  }
}

// The reply at the front of the queue is complete.
void ClientSession::reply_done() {
  if (in_flight_.empty()) return;
  in_flight_bytes_ -= in_flight_.front().expected;
  in_flight_.pop_front();
  fill_window();
  if (state_ == State::busy && in_flight_.empty() && queued_.empty()) state_ = State::idle;
}

// --- input ----------------------------------------------------------------------------------

void ClientSession::feed(std::string_view bytes) {
  if (state_ == State::failed || state_ == State::closed) return;
  if (logged_in_) heard_since_login_ += bytes.size();
  if (mode_ == Mode::body) bytes = feed_body(bytes);
  if (state_ == State::failed) return;
  reader_.feed(bytes);
  process();
}

void ClientSession::peer_closed() {
  if (state_ == State::failed || state_ == State::closed) return;
  fail(ErrorKind::unavailable, awaiting(),
       in_flight_.empty() ? "the server closed the connection"
                          : "the server closed the connection before replying",
       ErrorCause::closed);
}

void ClientSession::process() {
  while (state_ == State::busy || state_ == State::idle) {
    if (mode_ == Mode::body) {
      // The status line switched to a body: hand the buffered bytes to the dot decoder and
      // give back whatever follows the terminator (pipelined replies).
      std::string rest(reader_.buffered());
      reader_.discard();
      std::string_view left = feed_body(rest);
      if (state_ == State::failed) return;
      reader_.feed(left);
      if (mode_ == Mode::body) return;
      continue;
    }
    auto next = reader_.next();
    if (next.status == LineReader::Status::need_more) return;
    if (next.status == LineReader::Status::too_long) {
      fail(ErrorKind::protocol, awaiting(),
           fmt::format("server line longer than {} bytes", options_.max_line));
      return;
    }
    on_line(next.line);
  }
}

void ClientSession::on_line(std::string_view line) {
  if (in_flight_.empty()) {
    fail_reply(ErrorKind::protocol, "", "unexpected data from the server", line, ErrorCause::none);
    return;
  }
  if (mode_ == Mode::listing) {
    on_listing_line(line);
    return;
  }
  auto reply = parse_reply(line);
  const Pending p = in_flight_.front();
  if (!reply) {
    fail(ErrorKind::protocol, cmd_name(static_cast<int>(p.cmd)), reply.error().text);
    return;
  }
  if (reply->status == Reply::Status::continuation && p.cmd != Cmd::auth) {
    fail_reply(ErrorKind::protocol, cmd_name(static_cast<int>(p.cmd)), "unexpected continuation",
               line, ErrorCause::none);
    return;
  }
  on_reply(*reply, line);
}

void ClientSession::on_reply(const Reply& reply, std::string_view line) {
  const Pending p = in_flight_.front();
  const char* name = cmd_name(static_cast<int>(p.cmd));
  switch (p.cmd) {
    case Cmd::user:
    case Cmd::pass:
    case Cmd::apop:
    case Cmd::auth:
      on_auth_reply(p.cmd, reply, line);
      return;
    case Cmd::stat: {
      if (!reply.ok()) return fail_reply(ErrorKind::protocol, name, "refused", line);
      auto s = parse_stat(reply.text, options_.limits);
      if (!s) return fail(ErrorKind::protocol, name, s.error().text);
      stat_ = *s;
      stat_count_ = s->count;
      return reply_done();
    }
    case Cmd::uidl:
    case Cmd::list:
      if (reply.ok()) {
        // Bounded by the STAT count as of now: STAT may have been pipelined with this.
        if (p.cmd == Cmd::uidl) {
          uidl_ = UidlListing(options_.limits, stat_count_);
        } else {
          list_ = ListListing(options_.limits, stat_count_);
        }
        mode_ = Mode::listing;
        return;
      }
      if (p.cmd == Cmd::list) return fail_reply(ErrorKind::protocol, name, "refused", line);
      uidl_refused_ = true;  // XMail then takes messages 1..N (UPopSyncRemoteLink)
      return reply_done();
    case Cmd::retr:
      return on_retr_reply(p, reply);
    case Cmd::dele:
      if (!reply.ok()) dele_refused_.push_back(p.number);
      return reply_done();
    case Cmd::quit:
      if (!reply.ok()) {
        return fail_reply(ErrorKind::temporary, name, "refused, so the deletions are not committed",
                          line);
      }
      in_flight_.clear();
      state_ = State::closed;
      return;
  }
}

void ClientSession::on_listing_line(std::string_view line) {
  const Cmd cmd = in_flight_.front().cmd;
  if (line == ".") {
    mode_ = Mode::line;
    auto done = cmd == Cmd::uidl ? uidl_.finish() : list_.finish();
    if (!done) return fail(ErrorKind::protocol, done.error().field, done.error().text);
    return reply_done();
  }
  if (!line.empty() && line.front() == '.') line.remove_prefix(1);  // dot-unstuffing
  auto added = cmd == Cmd::uidl ? uidl_.add(line) : list_.add(line);
  if (!added) fail(ErrorKind::protocol, added.error().field, added.error().text);
}

void ClientSession::on_retr_reply(const Pending& p, const Reply& reply) {
  if (!reply.ok()) {
    if (p.sink != nullptr) p.sink->refused(p.number, reply);
    return reply_done();
  }
  if (auto r = p.sink->begin(p.number); !r) {
    return fail_inner("RETR", fmt::format("message {}: ", p.number), r.error());
  }
  mode_ = Mode::body;
  decoder_.reset();
  body_bytes_ = 0;
}

std::string_view ClientSession::feed_body(std::string_view bytes) {
  const std::uint32_t number = in_flight_.front().number;
  MessageSink* const sink = in_flight_.front().sink;
  auto step = decoder_.decode(bytes, chunk_);
  body_bytes_ += chunk_.size();
  if (body_bytes_ > options_.max_message_bytes) {
    fail(ErrorKind::protocol, "RETR",
         fmt::format("message {} is longer than {} bytes", number, options_.max_message_bytes));
    return {};
  }
  if (!chunk_.empty()) {
    auto r = sink->data(chunk_);
    chunk_.clear();
    if (!r) {
      fail_inner("RETR", fmt::format("message {}: ", number), r.error());
      return {};
    }
  }
  if (!step.done) return {};
  mode_ = Mode::line;
  if (auto r = sink->end(number); !r) {
    fail_inner("RETR", fmt::format("message {}: ", number), r.error());
    return {};
  }
  reply_done();
  return bytes.substr(step.consumed);
}

}  // namespace psyncd::pop3
