// ClientSession, authorization state: USER/PASS, APOP/FAPOP (XMail semantics, UPopCreateChannel),
// and SASL AUTH (RFC 5034) through SaslClient, or with an OAuth 2.0 token (oauth_sasl.hpp).
// Lock-step even when the server pipelines, because each step depends on the previous reply (APOP
// fallback, SASL challenges); only USER and PASS go out together then, since nothing but a refusal
// can follow USER. Nothing follows PASS, APOP or the last AUTH line before its reply: the login may
// hand the connection over to another process, which would not see it.
#include <fmt/format.h>

#include "common/ascii.hpp"
#include "pop3/apop.hpp"
#include "pop3/base64.hpp"
#include "pop3/client/session.hpp"

namespace psyncd::pop3 {

namespace {

// CR, LF or NUL in a credential would let it inject a second command.
bool safe_credential(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool is_scram(std::string_view mech) { return mech.substr(0, 6) == "SCRAM-"; }

}  // namespace

void ClientSession::login(bool with_listing) {
  if (!begin_op("login")) return;
  listed_with_login_ = false;
  list_after_login_ = with_listing;
  if (!safe_credential(options_.user) || !safe_credential(options_.password)) {
    return fail(ErrorKind::config, "login", "user name or password holds CR, LF or NUL");
  }
  switch (options_.auth) {
    case AuthMode::clear:
      return start_user_pass();
    case AuthMode::apop:
      // XMail: with no timestamp in the greeting, APOP quietly becomes USER/PASS.
      if (stamp_.empty()) return start_user_pass();
      [[fallthrough]];
    case AuthMode::fapop:
      // Departure from XMail (docs/xmail-differences.md "pop3links.tab"): FAPOP without a timestamp
      // fails instead of sending the password in clear text.
      if (stamp_.empty()) {
        return fail(ErrorKind::auth, "APOP",
                    "FAPOP requested but the greeting has no APOP timestamp");
      }
      auth_used_ = "APOP";
      return send(Cmd::apop,
                  fmt::format("APOP {} {}", options_.user, apop_digest(stamp_, options_.password)));
    case AuthMode::sasl:
      return start_sasl();
  }
}

void ClientSession::start_user_pass() {
  auth_used_ = "USER";
  send(Cmd::user, "USER " + options_.user);
  // RFC 2449 §6.6: a pipelining server takes PASS before answering USER. A -ERR to USER
  // still fails the login; the PASS reply that follows is then never read.
  if (caps_.pipelining) send(Cmd::pass, "PASS " + options_.password);
}

// PASS, APOP or AUTH answered +OK. Only now may transaction commands go out: Courier's
// pop3login answers PASS and then execs pop3d, and whatever it had read beyond PASS is lost
// (the link would then wait for replies that never come). Waiting costs one round trip a
// session; Dovecot and Cyrus would take them earlier, but neither the greeting nor CAPA says
// reliably which server hands over, so no server gets them early.
void ClientSession::login_accepted() {
  logged_in_ = true;
  heard_since_login_ = reader_.buffered_size();  // bytes that came behind the +OK line
  if (!list_after_login_) {
    state_ = State::idle;
    return;
  }
  start_listing();
  listed_with_login_ = true;
}

void ClientSession::start_sasl() {
  const std::string mech = ascii_upper(
      options_.sasl_mechanism.empty() ? SaslClient::choose(caps_.sasl) : options_.sasl_mechanism);
  std::string offered;
  for (const auto& m : caps_.sasl) offered += (offered.empty() ? "" : " ") + m;
  if (mech.empty()) {
    return fail(ErrorKind::auth, "AUTH",
                fmt::format("no SASL mechanism in common (server offers: {})",
                            offered.empty() ? "none" : offered),
                ErrorCause::mechanism_missing);
  }
  // A mechanism the server does not offer would only earn a -ERR that reads like a wrong
  // password; the server's CAPA says at once what it offers (RFC 2449 §6.9, RFC 5034 §3).
  if (!caps_.has_sasl(mech)) {
    return fail(ErrorKind::config, "AUTH",
                fmt::format("SASL mechanism {} is not offered by the server ({})", mech,
                            !capa_answered_   ? "it answers no CAPA, so it offers none"
                            : offered.empty() ? "its CAPA lists no SASL mechanism"
                                              : "it offers: " + offered),
                ErrorCause::mechanism_missing);
  }
  if (OAuthMech oauth; parse_oauth_mech(mech, oauth)) return start_oauth(oauth);
  auto client = SaslClient::start(mech, options_.user, options_.password);
  if (!client) return fail(client.error().kind, "AUTH", client.error().text);
  sasl_ = std::move(*client);
  sasl_finished_ = false;
  auth_used_ = "SASL " + mech;
  // No initial response: the server's first (possibly empty) challenge starts every
  // mechanism the same way, whether client-first or server-first.
  send(Cmd::auth, "AUTH " + mech);
}

// RFC 5034 §4: the initial response rides on the AUTH line unless that would make the line
// longer than RFC 2449's 255 octets (CRLF included); then AUTH goes alone and the response
// follows the server's empty "+ " go-ahead. Access tokens are often longer than that.
void ClientSession::start_oauth(OAuthMech mech) {
  oauth_mech_ = mech;
  oauth_error_ = OAuthError{};
  auth_used_ = std::string("SASL ") + to_string(mech);
  OAuthTarget target{options_.user, options_.password, options_.server_host, options_.server_port};
  oauth_response_ = base64_encode(oauth_initial_response(mech, target));
  std::string line = fmt::format("AUTH {} {}", to_string(mech), oauth_response_);
  if (line.size() + 2 <= 255) {
    oauth_phase_ = OAuthPhase::token_sent;
    return send(Cmd::auth, std::move(line));
  }
  oauth_phase_ = OAuthPhase::awaiting_go_ahead;
  send(Cmd::auth, fmt::format("AUTH {}", to_string(mech)));
}

void ClientSession::on_oauth_reply(const Reply& reply, std::string_view line) {
  if (reply.status == Reply::Status::err) return auth_refused(reply, line);
  if (reply.status == Reply::Status::ok) {
    if (oauth_phase_ != OAuthPhase::token_sent) {
      return fail_reply(ErrorKind::protocol, "AUTH",
                        "+OK before the token was sent, or after the server refused it", line,
                        ErrorCause::none);
    }
    in_flight_.pop_front();
    oauth_phase_ = OAuthPhase::none;
    return login_accepted();
  }
  in_flight_.pop_front();
  switch (oauth_phase_) {
    case OAuthPhase::awaiting_go_ahead:
      if (!reply.text.empty()) break;
      oauth_phase_ = OAuthPhase::token_sent;
      return send(Cmd::auth, oauth_response_);
    case OAuthPhase::token_sent:
      // RFC 7628 §3.2.2: the token was refused; the JSON says why, and the exchange ends
      // with our one-byte (or empty) answer and the server's -ERR.
      oauth_error_ = parse_oauth_error(reply.text);
      oauth_phase_ = OAuthPhase::error_answered;
      return send(Cmd::auth, base64_encode(oauth_error_answer(oauth_mech_)));
    case OAuthPhase::error_answered:
    case OAuthPhase::none:
      break;
  }
  fail_reply(ErrorKind::protocol, "AUTH",
             fmt::format("unexpected challenge in a {} exchange", to_string(oauth_mech_)), line,
             ErrorCause::none);
}

void ClientSession::auth_refused(const Reply& reply, std::string_view line) {
  // RFC 2449/3206 codes say whether trying again later can help.
  const bool temporary =
      reply.has_code("IN-USE") || reply.has_code("LOGIN-DELAY") || reply.has_code("SYS/TEMP");
  const char* name = auth_used_.rfind("SASL", 0) == 0 ? "AUTH" : auth_used_.c_str();
  const bool oauth = oauth_phase_ != OAuthPhase::none;
  oauth_phase_ = OAuthPhase::none;
  if (oauth && !temporary) {
    // A refused access token has its own cause: a fresh token may cure it (psync refreshes
    // once), a new password would not.
    std::string why = "access token refused";
    if (!oauth_error_.summary.empty()) why += ": " + oauth_error_.summary;
    return fail_reply(ErrorKind::auth, name, why, line, ErrorCause::token_refused);
  }
  fail_reply(temporary ? ErrorKind::temporary : ErrorKind::auth, name, "login refused", line,
             temporary ? ErrorCause::login_busy : ErrorCause::login_refused);
}

void ClientSession::on_auth_reply(Cmd cmd, const Reply& reply, std::string_view line) {
  if (cmd == Cmd::auth) return on_sasl_reply(reply, line);
  if (!reply.ok()) {
    // APOP (not FAPOP) refused: XMail retries USER/PASS on the same connection, unless the
    // mailbox is busy, where USER/PASS would fail the same way.
    if (cmd == Cmd::apop && options_.auth == AuthMode::apop && !reply.has_code("IN-USE")) {
      in_flight_.pop_front();
      return start_user_pass();
    }
    return auth_refused(reply, line);
  }
  in_flight_.pop_front();
  if (cmd == Cmd::user) {
    if (in_flight_.empty()) send(Cmd::pass, "PASS " + options_.password);
    return;  // else PASS went out with USER
  }
  login_accepted();
}

void ClientSession::on_sasl_reply(const Reply& reply, std::string_view line) {
  if (oauth_phase_ != OAuthPhase::none) return on_oauth_reply(reply, line);
  if (reply.status == Reply::Status::err) return auth_refused(reply, line);
  if (reply.status == Reply::Status::ok) {
    // SCRAM proves the server too; a +OK before that proof would skip it.
    if (is_scram(auth_used_.substr(5)) && !sasl_finished_) {
      return fail(ErrorKind::auth, "AUTH", "server accepted SCRAM login without proving itself");
    }
    in_flight_.pop_front();
    sasl_.reset();
    return login_accepted();
  }
  if (sasl_finished_ && !reply.text.empty()) {
    return fail_reply(ErrorKind::protocol, "AUTH", "challenge after the exchange ended", line,
                      ErrorCause::none);
  }
  auto step = sasl_->step(reply.text);
  if (!step) return fail(step.error().kind, "AUTH", step.error().text);
  sasl_finished_ = step->finished;
  in_flight_.pop_front();
  send(Cmd::auth, step->response);
}

}  // namespace psyncd::pop3
