#include "psync/oauth_device_flow.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/json.hpp"

namespace psyncd::psync {

namespace {

// RFC 8628 §3.2 says nothing of a bound; a day is far beyond any provider's (15 min).
constexpr unsigned long long kMaxSeconds = 86400;

Error endpoint_error(ErrorKind kind, const std::string& url, std::string text) {
  return Error{kind, url, 0, "", std::move(text)};
}

// An error answer from either endpoint, in the words of the step that failed.
Error failed_answer(long status, std::string_view body, const std::string& url,
                    const std::string& step) {
  const ErrorAnswer answer = describe_error_answer(status, body);
  const std::string& e = answer.error;
  ErrorKind kind = ErrorKind::protocol;
  std::string advice;
  if (e == "invalid_client" || e == "unauthorized_client") {
    kind = ErrorKind::auth;
    advice =
        ": check client_id/client_secret, and that the app registration allows this flow "
        "(Microsoft: \"Allow public client flows\")";
  } else if (e == "invalid_scope") {
    kind = ErrorKind::auth;
    advice = ": check the scope field and the app's API permissions";
  } else if (status >= 500 || status == 429) {
    kind = ErrorKind::temporary;
    advice = ": try again later";
  }
  return endpoint_error(kind, url, step + " failed: " + answer.text + advice);
}

}  // namespace

std::string device_authorization_body(const OAuthGrant& g) {
  std::string body = "client_id=" + form_encode(g.client_id);
  if (!g.scope.empty()) body += "&scope=" + form_encode(g.scope);
  return body;
}

Result<DeviceAuthorization> parse_device_authorization(long status, std::string_view body,
                                                       const std::string& url) {
  if (status != 200) return failed_answer(status, body, url, "device authorization");
  auto doc = json::parse(body);
  if (!doc)
    return endpoint_error(ErrorKind::protocol, url,
                          "device authorization answer is not JSON: " + doc.error().text);
  if (doc->type != json::Value::Type::object)
    return endpoint_error(ErrorKind::protocol, url,
                          "device authorization answer is not a JSON object");
  DeviceAuthorization d;
  d.device_code = doc->string_member("device_code").value_or("");
  d.user_code = doc->string_member("user_code").value_or("");
  d.verification_uri = doc->string_member("verification_uri")
                           .value_or(doc->string_member("verification_url").value_or(""));
  d.verification_uri_complete = doc->string_member("verification_uri_complete").value_or("");
  auto missing = [&](const char* what) {
    return endpoint_error(ErrorKind::protocol, url,
                          fmt::format("device authorization answer has no {}", what));
  };
  if (d.device_code.empty()) return missing("device_code");
  if (!safe_token(d.device_code))
    return endpoint_error(ErrorKind::protocol, url,
                          "device authorization answer's device_code holds a space, quote or "
                          "control byte");
  if (d.user_code.empty()) return missing("user_code");
  if (d.verification_uri.empty()) return missing("verification_uri");
  // Shown on the admin's terminal: printable bytes only, and a web address.
  for (const std::string* shown : {&d.user_code, &d.verification_uri, &d.verification_uri_complete})
    if (!safe_token(*shown))
      return endpoint_error(ErrorKind::protocol, url,
                            "device authorization answer's user_code or verification_uri holds "
                            "a space, quote or control byte");
  if (!d.verification_uri.starts_with("https://") && !d.verification_uri.starts_with("http://"))
    return endpoint_error(ErrorKind::protocol, url,
                          "device authorization answer's verification_uri is not a web address");
  auto expires = doc->integer_member("expires_in", kMaxSeconds);
  if (!expires || *expires == 0) return missing("expires_in (seconds, at most a day)");
  d.expires_in = static_cast<long long>(*expires);
  if (doc->find("interval") != nullptr) {
    auto interval = doc->integer_member("interval", 3600);
    if (!interval)
      return endpoint_error(ErrorKind::protocol, url,
                            "device authorization answer's interval is not seconds");
    // 0 would poll in a loop: RFC 8628 §3.5 clients keep at least the default then.
    if (*interval > 0) d.interval = static_cast<long long>(*interval);
  }
  return d;
}

std::string device_token_body(const OAuthGrant& g, const std::string& device_code) {
  std::string body =
      "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=" +
      form_encode(device_code) + "&client_id=" + form_encode(g.client_id);
  if (!g.client_secret.empty()) body += "&client_secret=" + form_encode(g.client_secret);
  return body;
}

DevicePoll::DevicePoll(const DeviceAuthorization& authorization, long long now)
    : interval_(authorization.interval),
      deadline_(now + authorization.expires_in),
      next_poll_at_(now + authorization.interval) {}

DevicePoll::State DevicePoll::fail(Error e) {
  error_ = std::move(e);
  state_ = State::failed;
  return state_;
}

DevicePoll::State DevicePoll::check_deadline() {
  if (state_ == State::waiting && next_poll_at_ > deadline_)
    return fail(Error{ErrorKind::auth, "", 0, "",
                      "the sign-in was not finished before the code expired: run psyncd "
                      "--oauth-login again and enter the new code"});
  return state_;
}

DevicePoll::State DevicePoll::on_unreachable(long long now) {
  if (state_ != State::waiting) return state_;
  interval_ = std::min<long long>(interval_ * 2, std::max<long long>(interval_, 60));
  next_poll_at_ = now + interval_;
  return check_deadline();
}

DevicePoll::State DevicePoll::on_answer(long status, std::string_view body, const std::string& url,
                                        long long now) {
  if (state_ != State::waiting) return state_;
  if (status != 200) {
    const std::string error = describe_error_answer(status, body).error;
    if (error == "authorization_pending" || error == "slow_down") {
      if (error == "slow_down") interval_ += 5;
      next_poll_at_ = now + interval_;
      return check_deadline();
    }
    // Microsoft's device endpoint says authorization_declined for RFC 8628's access_denied.
    if (error == "access_denied" || error == "authorization_declined")
      return fail(endpoint_error(ErrorKind::auth, url,
                                 "the sign-in was declined (" + error + "): nothing stored"));
    if (error == "expired_token")
      return fail(endpoint_error(ErrorKind::auth, url,
                                 "the code expired before the sign-in was finished "
                                 "(expired_token): run psyncd --oauth-login again"));
    return fail(failed_answer(status, body, url, "polling the token endpoint"));
  }
  auto token = parse_grant_answer(status, body, url);
  if (!token) return fail(token.error());
  token_ = std::move(*token);
  state_ = State::done;
  return state_;
}

}  // namespace psyncd::psync
