#include "pop3/server/session.hpp"

#include <algorithm>

namespace psyncd::pop3 {

Session::Session(SessionConfig config, Authenticator& auth)
    : config_(std::move(config)), auth_(auth), reader_(config_.max_line) {
  tls_active_ = config_.tls_active;
  if (!config_.random) config_.random = openssl_random();
  chunk_.resize(config_.read_chunk == 0 ? 1 : config_.read_chunk);
  std::string greeting = "+OK " + config_.greeting;
  if (!config_.apop_timestamp.empty()) greeting += " " + config_.apop_timestamp;
  reply(greeting);
}

Session::~Session() = default;

void Session::receive(std::string_view bytes) {
  if (state_ == State::closed) return;
  if (hold_ == Hold::tls) {
    // The adapter should hand these to TLS; plaintext bytes here are never commands.
    emit({SessionEvent::Kind::input_discarded,
          {},
          {},
          AuthStatus::ok,
          "bytes received while waiting for the TLS handshake",
          {},
          bytes.size()});
    return;
  }
  reader_.feed(bytes);
  pump();
}

std::string_view Session::pending_output() {
  pump();
  return std::string_view(out_).substr(out_start_);
}

void Session::consume_output(std::size_t n) {
  out_start_ += std::min(n, out_.size() - out_start_);
  if (out_start_ == out_.size()) {
    out_.clear();
    out_start_ = 0;
  } else if (out_start_ > config_.output_high_water) {
    out_.erase(0, out_start_);
    out_start_ = 0;
  }
}

std::optional<SessionEvent> Session::next_event() {
  if (events_.empty()) return std::nullopt;
  SessionEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

bool Session::wants_input() const {
  return state_ != State::closed && hold_ == Hold::none &&
         reader_.buffered_size() < 4 * config_.max_line;
}

void Session::tls_started() {
  if (hold_ != Hold::tls) return;
  hold_ = Hold::none;
  tls_active_ = true;
  reader_.discard();
  pending_user_.clear();  // RFC 2595 §4: forget everything learnt before TLS
  pump();
}

void Session::resume() {
  if (hold_ == Hold::credentials && gated_) {
    hold_ = Hold::none;
    const Command cmd = std::move(*gated_);
    gated_.reset();
    gate_open_ = true;
    dispatch(cmd);
    gate_open_ = false;
    pump();
    return;
  }
  if (hold_ != Hold::login_delay) return;
  hold_ = Hold::none;
  pump();
}

void Session::refuse_login(std::string_view text) {
  if (hold_ != Hold::credentials) return;
  hold_ = Hold::none;
  gated_.reset();
  pending_user_.clear();
  reply(text);
  pump();
}

void Session::deletions_committed(bool ok) {
  if (hold_ != Hold::update) return;
  hold_ = Hold::none;
  if (ok) {
    reply("+OK psyncd POP3 server signing off (messages deleted)");
  } else {
    reply("-ERR [SYS/TEMP] some deleted messages were not removed");
  }
  close_session("QUIT");
}

void Session::emit(SessionEvent event) { events_.push_back(std::move(event)); }

void Session::reply(std::string_view line) {
  out_.append(line);
  out_.append("\r\n");
}

void Session::close_session(std::string reason) {
  state_ = State::closed;
  stream_.reset();
  sasl_.reset();
  emit({SessionEvent::Kind::close, {}, {}, AuthStatus::ok, std::move(reason), {}, 0});
}

void Session::fail_and_count(std::string_view text) {
  if (++bad_commands_ > config_.max_bad_commands) {
    reply("-ERR too many bad commands, closing");
    close_session("too many bad commands");
    return;
  }
  reply(std::string("-ERR ") + std::string(text));
}

void Session::pump() {
  while (state_ != State::closed) {
    if (stream_) {
      if (!fill_stream()) return;
      continue;
    }
    if (hold_ != Hold::none) return;
    if (out_.size() - out_start_ >= config_.output_high_water) return;
    const auto next = reader_.next();
    if (next.status == LineReader::Status::need_more) return;
    if (next.status == LineReader::Status::too_long) {
      reply("-ERR command line too long");
      close_session("command line longer than " + std::to_string(config_.max_line) + " bytes");
      return;
    }
    handle_line(next.line);
  }
}

bool Session::fill_stream() {
  while (out_.size() - out_start_ < config_.output_high_water) {
    if (!stream_->encoder.wants_more()) {
      stream_->encoder.finish(out_);
      stream_.reset();
      return true;
    }
    auto got = mailbox_->read(stream_->index, stream_->offset, chunk_);
    if (!got) {
      // The +OK is out: the only honest way to tell the client is to drop the connection.
      std::string why =
          "message " + std::to_string(stream_->index + 1) + ": " + got.error().to_string();
      emit({SessionEvent::Kind::message_unreadable, {}, {}, AuthStatus::ok, why, {}, 0});
      close_session("message became unreadable: " + why);
      return true;
    }
    if (*got == 0) {
      stream_->encoder.finish(out_);
      stream_.reset();
      return true;
    }
    stream_->offset += *got;
    stream_->encode(std::string_view(chunk_.data(), *got), out_);
  }
  return false;
}

void Session::handle_line(std::string_view line) {
  if (sasl_) {
    sasl_response(line);
    return;
  }
  auto cmd = parse_command(line, &Session::command_syntax);
  if (!cmd) {
    fail_and_count(cmd.error().text);
    return;
  }
  dispatch(*cmd);
}

}  // namespace psyncd::pop3
