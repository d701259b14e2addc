#include "pop3d/connection.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/log.hpp"

namespace psyncd::pop3d {

namespace {

constexpr std::size_t kReadBuffer = 16 * 1024;
constexpr std::size_t kMaxTlsWrite = 16 * 1024;
constexpr int kMaxRounds = 64;  // then let other connections run (Status::again)
constexpr std::string_view kLockedOutText =
    "-ERR [SYS/TEMP] too many failed logins from your address, try again later";

}  // namespace

Connection::Connection(ConnectionShared& shared, int fd, std::string client_ip, bool implicit_tls,
                       pop3::SessionConfig session_config, SteadyTime now)
    : sh_(shared),
      fd_(fd),
      ip_(std::move(client_ip)),
      auth_(shared.db, ip_, shared.config.format, shared.listings),
      session_(std::move(session_config), auth_),
      last_activity_(now),
      login_deadline_(shared.config.login_timeout.count() > 0 ? now + shared.config.login_timeout
                                                              : SteadyTime::max()),
      next_delay_(shared.config.bad_login_delay) {
  if (implicit_tls && !start_tls()) closing_ = true;
}

Connection::~Connection() {
  if (ssl_) SSL_free(ssl_);
  ::close(fd_);
}

bool Connection::start_tls() {
  if (!sh_.tls) return false;
  ssl_ = SSL_new(sh_.tls);
  if (!ssl_ || SSL_set_fd(ssl_, fd_) != 1) return false;
  SSL_set_accept_state(ssl_);
  handshaking_ = true;
  return true;
}

bool Connection::can_read() const {
  return !closing_ && !holding_ && !pending_tls_ && !handshaking_ && session_.wants_input();
}

std::uint32_t Connection::interest() const {
  std::uint32_t ev = 0;
  if (io_wants_in_ || can_read()) ev |= EPOLLIN;
  if (io_wants_out_) ev |= EPOLLOUT;
  return ev;
}

bool Connection::logged_in() const {
  return session_.state() != pop3::Session::State::authorization;
}

SteadyTime Connection::deadline() const {
  SteadyTime at = last_activity_ + sh_.config.idle_timeout;
  if (!logged_in()) at = std::min(at, login_deadline_);
  return holding_ ? std::min(at, hold_until_) : at;
}

Connection::Status Connection::on_timer(SteadyTime now) {
  if (!logged_in() && now >= login_deadline_) {
    // Pop3LoginTimeout: the whole login, however busy the client keeps the line (-Pt restarts
    // on every byte), so slow clients cannot hold -PX slots for ever.
    throttled_warn(
        sh_.throttles ? &sh_.throttles->timeouts : nullptr, now,
        fmt::format(
            "pop3d: no login within {} s, closing connection from {}",
            std::chrono::duration_cast<std::chrono::seconds>(sh_.config.login_timeout).count(),
            ip_));
    return Status::finished;
  }
  if (holding_ && now >= hold_until_) {
    holding_ = false;
    last_activity_ = now;
    session_.resume();
    return drive(now);
  }
  if (now >= last_activity_ + sh_.config.idle_timeout) {
    // docs/xmail-formats.md §9.5: an idle client is dropped without a reply and without deletions.
    throttled_info(sh_.throttles ? &sh_.throttles->timeouts : nullptr, now,
                   fmt::format("pop3d: idle timeout, closing connection from {}", ip_));
    return Status::finished;
  }
  return Status::alive;
}

Connection::Io Connection::handshake() {
  ERR_clear_error();
  const int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    handshaking_ = false;
    io_wants_in_ = io_wants_out_ = false;
    if (session_.tls_active()) return Io::ok;  // POP3S: the session started in TLS
    session_.tls_started();
    return Io::ok;
  }
  const int err = SSL_get_error(ssl_, rc);
  io_wants_in_ = err == SSL_ERROR_WANT_READ;
  io_wants_out_ = err == SSL_ERROR_WANT_WRITE;
  if (io_wants_in_ || io_wants_out_) return Io::again;
  // POP3HandleCmd_STLS: a failed handshake ends the session.
  log::info("pop3d: TLS handshake with {} failed: {}", ip_,
            ERR_reason_error_string(ERR_peek_last_error())
                ? ERR_reason_error_string(ERR_peek_last_error())
                : "connection closed");
  ERR_clear_error();
  return Io::closed;
}

Connection::Io Connection::write_bytes(std::string_view data, std::size_t& written) {
  written = 0;
  if (!ssl_) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) {
      written = static_cast<std::size_t>(n);
      return Io::ok;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      io_wants_out_ = errno != EINTR;
      return Io::again;
    }
    return Io::closed;
  }
  // OpenSSL wants a repeated write to carry the same bytes: the pending output only grows at
  // its end until consumed, so repeating with the earlier length is the same data.
  std::size_t len = retry_len_ ? retry_len_ : std::min(data.size(), kMaxTlsWrite);
  ERR_clear_error();
  const int rc = SSL_write(ssl_, data.data(), static_cast<int>(len));
  if (rc > 0) {
    retry_len_ = 0;
    written = static_cast<std::size_t>(rc);
    return Io::ok;
  }
  const int err = SSL_get_error(ssl_, rc);
  if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) {
    retry_len_ = len;
    io_wants_out_ = err == SSL_ERROR_WANT_WRITE;
    io_wants_in_ = err == SSL_ERROR_WANT_READ;
    return Io::again;
  }
  return Io::closed;
}

Connection::Io Connection::flush(SteadyTime now) {
  // What the last operation waited for is re-learnt below; a stale flag would make the
  // level-triggered loop spin on a readiness nobody consumes.
  io_wants_out_ = false;
  io_wants_in_ = false;
  for (;;) {
    // Producing output can process pipelined commands (a QUIT after RETRs, say): act on their
    // events before their replies go out, so a failed login's reply waits for the delay (as
    // XMail) and the mailbox lock is gone before the client sees QUIT's +OK.
    std::string_view out = session_.pending_output();
    while (handle_events(now)) out = session_.pending_output();
    if (holding_) return Io::ok;
    if (out.empty()) return Io::ok;
    std::size_t n = 0;
    const Io io = write_bytes(out, n);
    if (io != Io::ok) return io;
    session_.consume_output(n);
    last_activity_ = now;
  }
}

Connection::Io Connection::read_some(SteadyTime now) {
  static thread_local char buf[kReadBuffer];
  std::size_t got = 0;
  if (!ssl_) {
    const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) return Io::closed;
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return Io::again;
      return Io::closed;
    }
    got = static_cast<std::size_t>(n);
  } else {
    ERR_clear_error();
    const int rc = SSL_read(ssl_, buf, static_cast<int>(sizeof buf));
    if (rc <= 0) {
      const int err = SSL_get_error(ssl_, rc);
      if (err == SSL_ERROR_WANT_READ) return Io::again;
      if (err == SSL_ERROR_WANT_WRITE) {
        io_wants_out_ = true;
        return Io::again;
      }
      return Io::closed;
    }
    got = static_cast<std::size_t>(rc);
  }
  last_activity_ = now;
  session_.receive(std::string_view(buf, got));
  return Io::ok;
}

Connection::Status Connection::drive(SteadyTime now) {
  for (int round = 0; round < kMaxRounds; ++round) {
    if (handshaking_) {
      const Io io = handshake();
      if (io == Io::closed) return Status::finished;
      if (io == Io::again) return Status::alive;
    }
    bool progress = handle_events(now);
    const Io w = flush(now);
    if (w == Io::closed) return Status::finished;
    const bool drained = w == Io::ok && session_.pending_output().empty();
    if (pending_tls_ && drained) {
      pending_tls_ = false;
      if (!start_tls()) return Status::finished;
      continue;
    }
    if ((closing_ || session_.finished()) && drained && !holding_) {
      if (ssl_ && !handshaking_) SSL_shutdown(ssl_);  // best effort close_notify
      return Status::finished;
    }
    if (can_read()) {
      const Io r = read_some(now);
      if (r == Io::closed) return Status::finished;  // no QUIT: nothing is deleted
      progress = progress || r == Io::ok;
      // What was just read came after `now` (a PASS sent on this round's replies, say): the
      // next round's events, a login delay among them, count from the time it was read.
      if (r == Io::ok) now = std::chrono::steady_clock::now();
    }
    if (!progress) return Status::alive;
  }
  return Status::again;
}

bool Connection::handle_events(SteadyTime now) {
  bool any = false;
  while (auto event = session_.next_event()) {
    handle(*event, now);
    any = true;
  }
  return any;
}

void Connection::handle(pop3::SessionEvent& e, SteadyTime now) {
  using Kind = pop3::SessionEvent::Kind;
  switch (e.kind) {
    case Kind::start_tls:
      pending_tls_ = true;
      break;
    case Kind::close:
      closing_ = true;
      if (auto* mailbox = session_.mailbox()) mailbox->release();
      break;
    case Kind::authenticated:
      refund_charge();
      user_ = e.user;
      log::info("pop3d: login ok: user={} ip={} method={}", log::escape(e.user), ip_, e.method);
      log_login(e.user, true);
      break;
    case Kind::login_failed:
      login_failed(e, now);
      break;
    case Kind::check_credentials:
      check_credentials(now);
      break;
    case Kind::commit_deletions:
      commit_deletions(e);
      break;
    case Kind::input_discarded:
      log::warn("pop3d: discarded {} bytes from {}: {}", e.bytes, ip_, e.reason);
      break;
    case Kind::message_unreadable:
      log::warn("pop3d: message not sent: user={} ip={}: {}", log::escape(user_), ip_, e.reason);
      break;
  }
}

// Before a login attempt checks credentials: the client's address pays for the attempt now
// (waiting for its earlier failures first), so hanging up before the answer, or -Ph, saves a
// guesser nothing; past the lockout threshold nothing is checked at all.
void Connection::check_credentials(SteadyTime now) {
  const auto admission = sh_.penalty.admit(ip_, now);
  if (admission.locked_out) {
    throttled_warn(sh_.throttles ? &sh_.throttles->lockout : nullptr, now,
                   fmt::format("pop3d: login refused: ip={} is locked out ({} failed logins "
                               "within {} s)",
                               ip_, sh_.penalty.lockout_failures(), sh_.penalty.window().count()));
    session_.refuse_login(kLockedOutText);
    return;
  }
  charged_ = true;
  if (admission.wait.count() <= 0) {
    session_.resume();
    return;
  }
  log::info("pop3d: login from {} waits {} ms ({} failed or unfinished attempts before it)", ip_,
            admission.wait.count(), sh_.penalty.failures(ip_, now) - 1);
  holding_ = true;
  hold_until_ = now + admission.wait;
}

void Connection::refund_charge() {
  if (charged_) sh_.penalty.refund(ip_);
  charged_ = false;
}

void Connection::login_failed(const pop3::SessionEvent& e, SteadyTime now) {
  if (e.status == pop3::AuthStatus::locked) {
    // [IN-USE]: the password was right and the client is told at once; not a failed login
    // (no -Pw delay, no per-IP charge, no fail2ban line).
    refund_charge();
    log::info("pop3d: mailbox in use: user={} ip={} method={}", log::escape(e.user), ip_, e.method);
    session_.resume();
    return;
  }
  charged_ = false;  // the address keeps the charge: this was a failure
  // One greppable line per failed login (fail2ban and friends match on it). Everything the
  // client chose is escaped: no forged line, no extra "ip=" field.
  log::warn("pop3d: login failed: user={} ip={} reason={} ({}, {})", log::escape(e.user), ip_,
            e.reason, e.method, pop3::to_string(e.status));
  log_login(e.user, false);
  if (sh_.config.hang_up_on_bad_login) {
    closing_ = true;  // -Ph: the reply goes out, then the connection closes
    return;
  }
  const auto delay = next_delay_;
  next_delay_ *= 2;  // -Pw doubles after each failure in the session
  if (delay.count() <= 0) {
    session_.resume();
    return;
  }
  holding_ = true;
  hold_until_ = now + delay;
}

void Connection::log_login(const std::string& user, bool ok) {
  if (!sh_.log) return;
  Pop3LogEntry entry;
  entry.host = sh_.host;
  entry.domain = sh_.db.default_domain();
  entry.client_ip = ip_;
  entry.user = user;
  entry.ok = ok;
  if (ok && session_.mailbox()) {
    const auto* mb = session_.mailbox();
    entry.messages = mb->count();
    for (std::size_t i = 0; i < mb->count(); ++i) entry.bytes += mb->size(i);
  }
  sh_.log->write(entry, std::chrono::system_clock::now());
}

void Connection::commit_deletions(const pop3::SessionEvent& e) {
  auto* mailbox = session_.mailbox();
  if (!mailbox) {
    session_.deletions_committed(e.deletions.empty());
    return;
  }
  auto removed = mailbox->remove(e.deletions);
  if (!removed) log::error("pop3d: deleting messages for {}: {}", ip_, removed.error().to_string());
  session_.deletions_committed(static_cast<bool>(removed));
}

}  // namespace psyncd::pop3d
