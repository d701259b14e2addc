// Session: the AUTHORIZATION state (USER, PASS, APOP, AUTH, CAPA, STLS) and the login outcome.
#include <openssl/crypto.h>

#include "common/ascii.hpp"
#include "pop3/apop.hpp"
#include "pop3/base64.hpp"
#include "pop3/capa.hpp"
#include "pop3/server/session.hpp"

namespace psyncd::pop3 {

namespace {

std::string_view failure_text(AuthStatus status) {
  switch (status) {
    case AuthStatus::ok:
    case AuthStatus::bad_credentials:
      return "-ERR [AUTH] invalid user name or password";
    case AuthStatus::disabled:
      return "-ERR [AUTH] POP3 access is disabled for this account";
    // docs/xmail-differences.md "Defaults": a lock conflict is said at once, not disguised as a bad
    // login.
    case AuthStatus::locked:
      return "-ERR [IN-USE] mailbox is in use by another session";
    case AuthStatus::temporary:
      return "-ERR [SYS/TEMP] authentication service unavailable, try again later";
  }
  return "-ERR [AUTH] invalid user name or password";
}

}  // namespace

bool Session::cleartext_refused() const { return !tls_active_ && !config_.cleartext_before_tls; }

// True when `cmd` may check credentials now. Otherwise it is kept and the session holds until
// the adapter has charged the client's address (resume() runs it) or refused it.
bool Session::credentials_gate(const Command& cmd) {
  if (!config_.gate_credentials || gate_open_) {
    gate_open_ = false;
    return true;
  }
  gated_ = cmd;
  hold_ = Hold::credentials;
  emit({SessionEvent::Kind::check_credentials, {}, {}, AuthStatus::ok, {}, {}, 0});
  return false;
}

std::vector<std::string> Session::offered_sasl() const {
  std::vector<std::string> out;
  for (const auto& m : config_.sasl) {
    if (cleartext_refused() && sasl_is_cleartext(m)) continue;
    out.push_back(m);
  }
  return out;
}

void Session::cmd_user(const Command& cmd) {
  if (cleartext_refused()) {
    reply("-ERR [AUTH] cleartext login refused before STLS");
    return;
  }
  pending_user_ = cmd.args[0];
  reply("+OK password required for " + pending_user_);
}

void Session::cmd_pass(const Command& cmd) {
  if (pending_user_.empty()) {
    fail_and_count("PASS without USER");
    return;
  }
  if (!credentials_gate(cmd)) return;
  const std::string user = std::move(pending_user_);
  pending_user_.clear();
  auto outcome = auth_.verify_password(user, cmd.text);
  if (outcome.status != AuthStatus::ok) {
    login_failed(user, "USER", outcome.status, outcome.reason);
    return;
  }
  login_succeeded(outcome.user, "USER");
}

void Session::cmd_apop(const Command& cmd) {
  if (config_.apop_timestamp.empty()) {
    fail_and_count("APOP is not available");
    return;
  }
  if (!credentials_gate(cmd)) return;
  const std::string& user = cmd.args[0];
  auto found = auth_.lookup_secret(user);
  if (found.status == AuthStatus::temporary) {
    login_failed(user, "APOP", found.status, found.reason);
    return;
  }
  const bool known = found.status == AuthStatus::ok || found.status == AuthStatus::disabled;
  const std::string want = apop_digest(config_.apop_timestamp, found.secret);
  const std::string got = ascii_lower(cmd.args[1]);  // hex digits: only A-F change
  if (!known || CRYPTO_memcmp(want.data(), got.data(), want.size()) != 0) {
    login_failed(user, "APOP", AuthStatus::bad_credentials,
                 known ? "APOP digest mismatch" : found.reason);
    return;
  }
  if (found.status == AuthStatus::disabled) {
    login_failed(user, "APOP", found.status, found.reason);
    return;
  }
  login_succeeded(found.user, "APOP");
}

void Session::cmd_auth(const Command& cmd) {
  const auto offered = offered_sasl();
  if (cmd.args.empty()) {
    // "Empty AUTH" (RFC 1734 era clients): list the mechanisms.
    std::string out = "+OK SASL mechanisms follow\r\n";
    for (const auto& m : offered) out += m + "\r\n";
    out += ".";
    reply(out);
    return;
  }
  const std::string& name = cmd.args[0];
  const bool configured = std::any_of(config_.sasl.begin(), config_.sasl.end(),
                                      [&](const std::string& m) { return iequals(m, name); });
  auto mech =
      configured ? make_sasl_mechanism(name, {&auth_, config_.random, config_.hostname}) : nullptr;
  if (!mech) {
    fail_and_count("unsupported SASL mechanism");
    return;
  }
  if (cleartext_refused() && sasl_is_cleartext(name)) {
    reply("-ERR [AUTH] cleartext mechanisms are refused before STLS");
    return;
  }
  if (!credentials_gate(cmd)) return;
  std::optional<std::string> initial;
  if (cmd.args.size() == 2) {
    // RFC 5034 §4: "=" stands for an empty initial response.
    initial = cmd.args[1] == "=" ? std::optional<std::string>("") : base64_decode(cmd.args[1]);
    if (!initial) {
      fail_and_count("invalid base64 in SASL response");
      return;
    }
  }
  sasl_ = std::move(mech);
  sasl_name_ = ascii_upper(cmd.keyword + " " + cmd.args[0]);
  sasl_result(sasl_->step(initial ? std::optional<std::string_view>(*initial) : std::nullopt));
}

void Session::sasl_response(std::string_view line) {
  if (line == "*") {
    sasl_.reset();
    reply("-ERR authentication cancelled");
    return;
  }
  auto decoded = base64_decode(line);
  if (!decoded) {
    sasl_.reset();
    fail_and_count("invalid base64 in SASL response");
    return;
  }
  sasl_result(sasl_->step(*decoded));
}

void Session::sasl_result(const SaslStep& step) {
  switch (step.kind) {
    case SaslStep::Kind::challenge:
      reply("+ " + base64_encode(step.challenge));
      return;
    case SaslStep::Kind::success:
      sasl_.reset();
      login_succeeded(step.user, sasl_name_);
      return;
    case SaslStep::Kind::failure:
      sasl_.reset();
      login_failed(step.user, sasl_name_, step.status, step.reason,
                   step.protocol_error.empty() ? std::string() : "-ERR " + step.protocol_error);
      return;
  }
}

void Session::cmd_stls(const Command&) {
  if (tls_active_) {
    fail_and_count("TLS is already active");
    return;
  }
  if (!config_.tls_available) {
    fail_and_count("STLS is not available");
    return;
  }
  reply("+OK Begin TLS negotiation");
  // Anything pipelined after STLS arrived in plaintext and would otherwise be executed inside
  // the TLS session (CVE-2011-0411): drop it.
  if (reader_.buffered_size() > 0) {
    emit({SessionEvent::Kind::input_discarded,
          {},
          {},
          AuthStatus::ok,
          "bytes pipelined after STLS",
          {},
          reader_.buffered_size()});
    reader_.discard();
  }
  pending_user_.clear();
  hold_ = Hold::tls;
  emit({SessionEvent::Kind::start_tls, {}, {}, AuthStatus::ok, {}, {}, 0});
}

void Session::login_succeeded(const std::string& user, std::string method) {
  auto opened = auth_.open_mailbox(user);
  if (opened.status != AuthStatus::ok || !opened.mailbox) {
    const auto status = opened.status == AuthStatus::ok ? AuthStatus::temporary : opened.status;
    login_failed(user, std::move(method), status, opened.reason,
                 status == AuthStatus::temporary
                     ? "-ERR [SYS/TEMP] mailbox unavailable, try again later"
                     : std::string_view{});
    return;
  }
  mailbox_ = std::move(opened.mailbox);
  deleted_.assign(mailbox_->count(), false);
  last_ = 0;
  state_ = State::transaction;
  reply("+OK " + maildrop_summary());
  emit({SessionEvent::Kind::authenticated, user, std::move(method), AuthStatus::ok, {}, {}, 0});
}

void Session::login_failed(std::string user, std::string method, AuthStatus status,
                           std::string reason, std::string_view text) {
  reply(text.empty() ? failure_text(status) : text);
  hold_ = Hold::login_delay;
  emit({SessionEvent::Kind::login_failed,
        std::move(user),
        std::move(method),
        status,
        std::move(reason),
        {},
        0});
}

}  // namespace psyncd::pop3
