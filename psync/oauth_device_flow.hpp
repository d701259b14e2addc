// The OAuth 2.0 Device Authorization Grant (RFC 8628) as pure code, for psyncd --oauth-login:
// the request to the device authorization endpoint (§3.1), its answer (§3.2), and the polling
// of the token endpoint (§3.4, §3.5) as a state machine fed with each answer and the time.
// It sends nothing and sleeps nowhere; oauth_login.hpp drives it. The device code is a secret
// of this exchange: no error text carries it (the user code is meant to be shown).
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "psync/oauth_refresh.hpp"
#include "psync/oauth_token_file.hpp"

namespace psyncd::psync {

// The device authorization endpoint's answer (RFC 8628 §3.2).
struct DeviceAuthorization {
  std::string device_code;
  std::string user_code;
  std::string verification_uri;           // Google calls it verification_url; both are read
  std::string verification_uri_complete;  // optional: the URI with the user code in it
  long long expires_in = 0;               // seconds the codes live
  long long interval = 5;                 // seconds between polls (5 when not given)
};

// client_id and scope (RFC 8628 §3.1).
std::string device_authorization_body(const OAuthGrant& grant);

// Errors name `url`: an RFC 6749 §5.2 error answer (kind auth for unauthorized_client /
// invalid_client / invalid_scope: the app registration or scope must change; kind temporary for
// 5xx and 429), or an answer lacking device_code, user_code, verification_uri or expires_in
// (kind protocol).
Result<DeviceAuthorization> parse_device_authorization(long http_status, std::string_view body,
                                                       const std::string& url);

// grant_type=urn:ietf:params:oauth:grant-type:device_code, device_code, client_id, and
// client_secret when set (Google wants it; a Microsoft public client has none).
std::string device_token_body(const OAuthGrant& grant, const std::string& device_code);

// The polling (RFC 8628 §3.5): poll no sooner than next_poll_at(); feed each token-endpoint
// answer to on_answer(). authorization_pending: poll again after the interval; slow_down: the
// interval grows by 5 s for this and every later poll; access_denied (Microsoft:
// authorization_declined), expired_token, or the
// codes' lifetime running out: the flow failed; a token: done (it must carry a refresh token,
// which is what the login is for).
class DevicePoll {
 public:
  DevicePoll(const DeviceAuthorization& authorization, long long now);

  enum class State { waiting, done, failed };
  State state() const { return state_; }
  // Seconds since 1970 when the next poll may be sent.
  long long next_poll_at() const { return next_poll_at_; }
  long long interval() const { return interval_; }
  // When the device code stops being valid (now + expires_in at the start).
  long long deadline() const { return deadline_; }
  // Call before sleeping until next_poll_at(): fails the flow when that is past the deadline.
  State check_deadline();

  State on_answer(long http_status, std::string_view body, const std::string& url, long long now);
  // The token endpoint did not answer (timeout, refused): the sign-in may still finish, so
  // poll again, backing off as RFC 8628 §3.5 asks: the interval doubles, up to a minute.
  State on_unreachable(long long now);

  // With state() == done.
  const TokenAnswer& token() const { return token_; }
  // With state() == failed.
  const Error& error() const { return error_; }

 private:
  State fail(Error e);

  State state_ = State::waiting;
  long long interval_;
  long long deadline_;
  long long next_poll_at_;
  TokenAnswer token_;
  Error error_;
};

}  // namespace psyncd::psync
