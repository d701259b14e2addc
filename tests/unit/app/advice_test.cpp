// The advice table (app/advice.cpp): what each outcome kind, step and cause is advised, that
// a cause beats the step it happened in, and that nothing is advised for ok and disabled.
#include "app/advice.hpp"

#include <catch2/catch.hpp>
#include <set>
#include <string>

using psyncd::ErrorCause;
using psyncd::app::advice;
using psyncd::app::advice_key;
using psyncd::app::AdviceKey;
using psyncd::psync::FetchStep;
using psyncd::psync::HeldCause;
using psyncd::psync::OutcomeKind;

namespace {

AdviceKey failed(FetchStep step, ErrorCause cause = ErrorCause::none) {
  return AdviceKey{OutcomeKind::failed, step, cause, HeldCause::none};
}

AdviceKey held(HeldCause why, ErrorCause cause = ErrorCause::none) {
  return AdviceKey{OutcomeKind::held, FetchStep::lock, cause, why};
}

}  // namespace

TEST_CASE("advice: one per outcome kind") {
  struct Case {
    OutcomeKind kind;
    const char* want;  // a piece of the advice; "" = none
  };
  const Case cases[] = {
      {OutcomeKind::ok, ""},
      {OutcomeKind::disabled, ""},
      {OutcomeKind::skipped, "another psyncd or XMail is syncing this link now"},
      {OutcomeKind::delayed, "PsyncFailedHostDelay"},
      {OutcomeKind::self_poll, "own POP3 server"},
      {OutcomeKind::invalid, "the line in pop3links.tab cannot run: fix it"},
      {OutcomeKind::stopped, "told to stop (SIGTERM)"},
      {OutcomeKind::held, "the messages stay on the remote server"},
      {OutcomeKind::failed, "cannot take the link lock"},  // step lock, no cause
  };
  for (const auto& c : cases) {
    INFO(psyncd::psync::kind_name(c.kind));
    std::string got = advice(AdviceKey{c.kind, FetchStep::lock, ErrorCause::none, HeldCause::none});
    if (std::string(c.want).empty())
      CHECK(got.empty());
    else
      CHECK(got.find(c.want) != std::string::npos);
  }
}

TEST_CASE("advice: each step has its own, when the cause says nothing more") {
  struct Case {
    FetchStep step;
    const char* want;
  };
  const Case cases[] = {
      {FetchStep::lock, "MAIL_ROOT/pop3linklocks"},
      {FetchStep::connect, "check the name, port and firewall"},
      {FetchStep::auth, "password (field 5"},
      {FetchStep::list, "mailbox listing (STAT/UIDL/LIST)"},
      {FetchStep::retrieve, "the transfer broke off"},
      {FetchStep::store, "storing under MAIL_ROOT failed"},
      {FetchStep::dele, "deleting on the server failed"},
      {FetchStep::quit, "did not confirm QUIT"},
  };
  std::set<std::string> seen;
  for (const auto& c : cases) {
    INFO(psyncd::psync::step_name(c.step));
    std::string got = advice(failed(c.step));
    CHECK(got.find(c.want) != std::string::npos);
    seen.insert(got);
  }
  CHECK(seen.size() == 8);  // no two steps share their advice
}

TEST_CASE("advice: a cause beats the step it happened in") {
  struct Case {
    const char* name;
    AdviceKey key;
    const char* want;
  };
  const Case cases[] = {
      // "connect" is also in "connection closed": the step decides, not a word.
      {"closed during retrieve", failed(FetchStep::retrieve, ErrorCause::closed),
       "the transfer broke off"},
      {"closed during connect", failed(FetchStep::connect, ErrorCause::closed),
       "check the name, port"},
      {"refused connection", failed(FetchStep::connect, ErrorCause::unreachable),
       "check the name, port"},
      {"resolve", failed(FetchStep::connect, ErrorCause::resolve), "does not resolve"},
      {"timeout while listing", failed(FetchStep::list, ErrorCause::timeout), "raise -YT"},
      {"silent after login", failed(FetchStep::list, ErrorCause::silent_after_login),
       "went silent"},
      {"pin mismatch", failed(FetchStep::connect, ErrorCause::tls_pin_mismatch), "was renewed"},
      {"pin without TLS", failed(FetchStep::connect, ErrorCause::tls_not_started),
       "offers no STLS"},
      {"certificate", failed(FetchStep::connect, ErrorCause::tls_certificate), "install its CA"},
      {"no STLS", failed(FetchStep::connect, ErrorCause::stls_missing),
       "drop STLS/FSTLS from field 6"},
      {"SASL not offered", failed(FetchStep::auth, ErrorCause::mechanism_missing),
       "names a mechanism the server does not offer"},
      {"login refused", failed(FetchStep::auth, ErrorCause::login_refused), "password (field 5"},
      {"OAuth token refused", failed(FetchStep::auth, ErrorCause::token_refused),
       "refused the OAuth 2.0 access token"},
      {"OAuth grant refused", failed(FetchStep::auth, ErrorCause::grant_refused),
       "sign in again with psyncd -Ms MAIL_ROOT --oauth-login NAME"},
      {"OAuth token file", failed(FetchStep::connect, ErrorCause::token_file),
       "token file under MAIL_ROOT/oauth/"},
      {"OAuth endpoint down", failed(FetchStep::connect, ErrorCause::token_endpoint),
       "token endpoint"},
      {"login busy", failed(FetchStep::auth, ErrorCause::login_busy), "retried next cycle"},
      {"disk full", failed(FetchStep::store, ErrorCause::no_space), "free space there"},
      {"cross-device", failed(FetchStep::store, ErrorCause::cross_device), "across a mount point"},
      {"QUIT refused", failed(FetchStep::quit, ErrorCause::peer_refused), "did not confirm QUIT"},
      {"held: unroutable", held(HeldCause::unroutable), "set Pop3SyncErrorAccount"},
      {"held: RETR refused", held(HeldCause::retr_refused), "the server refused to send them"},
      {"held: not stored, disk full", held(HeldCause::not_stored, ErrorCause::no_space),
       "free space there"},
      {"held: not stored, mount", held(HeldCause::not_stored, ErrorCause::cross_device),
       "across a mount point"},
      {"held: not stored", held(HeldCause::not_stored), "the messages stay on the remote server"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    std::string got = advice(c.key);
    CHECK(got.find(c.want) != std::string::npos);
    // Free space has nothing to do with a mount boundary, nor a password with a busy mailbox.
    if (c.key.cause == ErrorCause::cross_device) CHECK(got.find("free space") == std::string::npos);
    if (c.key.cause == ErrorCause::login_busy) CHECK(got.find("password") == std::string::npos);
    // A token is not a password: the advice must not send the admin to xmcrypt.
    if (c.key.cause == ErrorCause::token_refused || c.key.cause == ErrorCause::grant_refused)
      CHECK(got.find("xmcrypt") == std::string::npos);
  }
}

TEST_CASE("advice: every failed step and cause has advice") {
  for (int s = 0; s <= static_cast<int>(FetchStep::quit); ++s) {
    for (int c = 0; c <= static_cast<int>(ErrorCause::peer_refused); ++c) {
      auto step = static_cast<FetchStep>(s);
      auto cause = static_cast<ErrorCause>(c);
      INFO(psyncd::psync::step_name(step) << " " << psyncd::to_string(cause));
      CHECK_FALSE(advice(failed(step, cause)).empty());
    }
  }
}

TEST_CASE("advice: the key comes from the typed report, not its text") {
  psyncd::psync::LinkReport r;
  r.outcome = psyncd::psync::LinkOutcome::ran;
  r.result.step = FetchStep::retrieve;
  r.result.error = psyncd::Error{psyncd::ErrorKind::unavailable, "h:110", 0, "RETR",
                                 "connect: the server closed the connection"};
  r.result.error.cause = ErrorCause::closed;
  AdviceKey key = advice_key(r);
  CHECK(key.kind == OutcomeKind::failed);
  CHECK(key.step == FetchStep::retrieve);
  CHECK(key.cause == ErrorCause::closed);
  CHECK(advice(r).find("the transfer broke off") != std::string::npos);

  psyncd::psync::LinkReport h;
  h.outcome = psyncd::psync::LinkOutcome::ran;
  h.result.ok = true;
  h.result.held = 2;
  h.result.held_cause = HeldCause::not_stored;
  h.result.held_error = ErrorCause::no_space;
  key = advice_key(h);
  CHECK(key.kind == OutcomeKind::held);
  CHECK(key.held == HeldCause::not_stored);
  CHECK(key.cause == ErrorCause::no_space);

  psyncd::psync::LinkReport d;
  d.outcome = psyncd::psync::LinkOutcome::delayed;
  d.result.error.cause = ErrorCause::timeout;  // left from nothing: a delayed link did not run
  key = advice_key(d);
  CHECK(key.kind == OutcomeKind::delayed);
  CHECK(key.cause == ErrorCause::none);
}
