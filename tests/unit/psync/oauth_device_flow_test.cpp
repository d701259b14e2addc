// psync/oauth_device_flow: the device authorization answer (RFC 8628 §3.2), and the polling
// state machine (§3.5) driven by scripted token-endpoint answers and times.
#include "psync/oauth_device_flow.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace psyncd;
using namespace psyncd::psync;

namespace {

const std::string kUrl = "https://login.example/token";

DeviceAuthorization authorization(long long expires_in = 900, long long interval = 5) {
  DeviceAuthorization d;
  d.device_code = "dc-secret";
  d.user_code = "ABCD-EFGH";
  d.verification_uri = "https://login.example/device";
  d.expires_in = expires_in;
  d.interval = interval;
  return d;
}

const std::string kPending = R"({"error":"authorization_pending"})";
const std::string kSlow = R"({"error":"slow_down"})";
const std::string kToken =
    R"({"token_type":"Bearer","expires_in":3600,"access_token":"at-1","refresh_token":"rt-1"})";

}  // namespace

TEST_CASE("device flow: the requests sent", "[oauth]") {
  OAuthGrant g;
  g.client_id = "app 1";
  g.scope = "https://outlook.office.com/POP.AccessAsUser.All offline_access";
  CHECK(device_authorization_body(g) ==
        "client_id=app%201&scope=https%3A%2F%2Foutlook.office.com%2FPOP.AccessAsUser.All%20"
        "offline_access");
  CHECK(device_token_body(g, "dc+/=") ==
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=dc%2B%2F%3D"
        "&client_id=app%201");
  g.client_secret = "s";
  CHECK(device_token_body(g, "d").ends_with("&client_id=app%201&client_secret=s"));
}

TEST_CASE("device flow: the device authorization answer", "[oauth]") {
  // Microsoft's form (verification_uri, a message), and Google's (verification_url).
  auto ms = parse_device_authorization(
      200,
      R"({"user_code":"FJQ4XXFTD","device_code":"DAQABAAEAAA","verification_uri":"https://microsoft.com/devicelogin","expires_in":900,"interval":5,"message":"To sign in, ..."})",
      kUrl);
  REQUIRE(ms);
  CHECK(ms->user_code == "FJQ4XXFTD");
  CHECK(ms->device_code == "DAQABAAEAAA");
  CHECK(ms->verification_uri == "https://microsoft.com/devicelogin");
  CHECK(ms->expires_in == 900);
  CHECK(ms->interval == 5);
  auto google = parse_device_authorization(
      200,
      R"({"device_code":"4/4-GMMhmH","user_code":"GQVQ-JKEC","verification_url":"https://www.google.com/device","expires_in":1800,"interval":"5"})",
      kUrl);
  REQUIRE(google);
  CHECK(google->verification_uri == "https://www.google.com/device");
  // No interval: 5 s (RFC 8628 §3.2); verification_uri_complete kept.
  auto plain = parse_device_authorization(
      200,
      R"({"device_code":"d","user_code":"U","verification_uri":"https://x/d","verification_uri_complete":"https://x/d?c=U","expires_in":60})",
      kUrl);
  REQUIRE(plain);
  CHECK(plain->interval == 5);
  CHECK(plain->verification_uri_complete == "https://x/d?c=U");
}

TEST_CASE("device flow: bad device authorization answers", "[oauth]") {
  struct Case {
    long status;
    std::string body;
    ErrorKind kind;
    const char* want;
  };
  const Case cases[] = {
      {400, R"({"error":"invalid_scope","error_description":"AADSTS70011"})", ErrorKind::auth,
       "https://login.example/token: device authorization failed: HTTP 400 "
       "error=\"invalid_scope\" description=\"AADSTS70011\": check the scope field and the "
       "app's API permissions"},
      {401, R"({"error":"unauthorized_client"})", ErrorKind::auth,
       "https://login.example/token: device authorization failed: HTTP 401 "
       "error=\"unauthorized_client\": check client_id/client_secret, and that the app "
       "registration allows this flow (Microsoft: \"Allow public client flows\")"},
      {503, "busy", ErrorKind::temporary,
       "https://login.example/token: device authorization failed: HTTP 503: try again later"},
      {200, "{", ErrorKind::protocol, nullptr},
      {200, R"({"user_code":"U","verification_uri":"https://x","expires_in":60})",
       ErrorKind::protocol,
       "https://login.example/token: device authorization answer has no device_code"},
      {200, R"({"device_code":"d","verification_uri":"https://x","expires_in":60})",
       ErrorKind::protocol,
       "https://login.example/token: device authorization answer has no user_code"},
      {200, R"({"device_code":"d","user_code":"U","expires_in":60})", ErrorKind::protocol,
       "https://login.example/token: device authorization answer has no verification_uri"},
      {200, R"({"device_code":"d","user_code":"U","verification_uri":"https://x"})",
       ErrorKind::protocol,
       "https://login.example/token: device authorization answer has no expires_in (seconds, "
       "at most a day)"},
      {200,
       R"({"device_code":"d","user_code":"U\u001b[2J","verification_uri":"https://x","expires_in":60})",
       ErrorKind::protocol, nullptr},
      {200,
       R"({"device_code":"d","user_code":"U","verification_uri":"javascript:x","expires_in":60})",
       ErrorKind::protocol,
       "https://login.example/token: device authorization answer's verification_uri is not a "
       "web address"},
      {200,
       R"({"device_code":"d","user_code":"U","verification_uri":"https://x","expires_in":60,"interval":-1})",
       ErrorKind::protocol,
       "https://login.example/token: device authorization answer's interval is not seconds"},
  };
  for (const Case& c : cases) {
    INFO(c.body);
    auto d = parse_device_authorization(c.status, c.body, kUrl);
    REQUIRE_FALSE(d);
    CHECK(d.error().kind == c.kind);
    if (c.want != nullptr) CHECK(d.error().to_string() == c.want);
    CHECK(d.error().to_string().find("dc-secret") == std::string::npos);
  }
}

TEST_CASE("device flow: pending, slow_down, then the token", "[oauth]") {
  DevicePoll poll(authorization(), 1000);
  CHECK(poll.state() == DevicePoll::State::waiting);
  CHECK(poll.next_poll_at() == 1005);
  CHECK(poll.deadline() == 1900);
  CHECK(poll.on_answer(400, kPending, kUrl, 1005) == DevicePoll::State::waiting);
  CHECK(poll.next_poll_at() == 1010);
  // slow_down: 5 s more, for this and every later poll.
  CHECK(poll.on_answer(400, kSlow, kUrl, 1010) == DevicePoll::State::waiting);
  CHECK(poll.interval() == 10);
  CHECK(poll.next_poll_at() == 1020);
  CHECK(poll.on_answer(428, kPending, kUrl, 1020) == DevicePoll::State::waiting);  // Google's 428
  CHECK(poll.next_poll_at() == 1030);
  CHECK(poll.on_answer(200, kToken, kUrl, 1030) == DevicePoll::State::done);
  CHECK(poll.token().access_token == "at-1");
  CHECK(poll.token().refresh_token == "rt-1");
  CHECK(poll.token().expires_in == 3600);
  // Done stays done.
  CHECK(poll.on_answer(400, kPending, kUrl, 1040) == DevicePoll::State::done);
}

TEST_CASE("device flow: an endpoint that does not answer is polled again, backing off", "[oauth]") {
  DevicePoll poll(authorization(900, 5), 0);
  CHECK(poll.on_unreachable(5) == DevicePoll::State::waiting);
  CHECK(poll.next_poll_at() == 15);
  CHECK(poll.on_unreachable(15) == DevicePoll::State::waiting);
  CHECK(poll.next_poll_at() == 35);
  CHECK(poll.on_answer(200, kToken, kUrl, 35) == DevicePoll::State::done);
  // Up to a minute, and never past the codes' lifetime.
  DevicePoll slow(authorization(100, 40), 0);
  CHECK(slow.on_unreachable(40) == DevicePoll::State::waiting);
  CHECK(slow.interval() == 60);
  CHECK(slow.on_unreachable(100) == DevicePoll::State::failed);
}

TEST_CASE("device flow: the ends that fail", "[oauth]") {
  SECTION("access_denied") {
    DevicePoll poll(authorization(), 0);
    CHECK(poll.on_answer(400, R"({"error":"access_denied"})", kUrl, 5) ==
          DevicePoll::State::failed);
    CHECK(poll.error().kind == ErrorKind::auth);
    CHECK(poll.error().to_string() ==
          "https://login.example/token: the sign-in was declined (access_denied): nothing stored");
  }
  SECTION("authorization_declined (Microsoft's word for it)") {
    DevicePoll poll(authorization(), 0);
    CHECK(poll.on_answer(400, R"({"error":"authorization_declined"})", kUrl, 5) ==
          DevicePoll::State::failed);
    CHECK(poll.error().kind == ErrorKind::auth);
    CHECK(poll.error().text == "the sign-in was declined (authorization_declined): nothing stored");
  }
  SECTION("expired_token") {
    DevicePoll poll(authorization(), 0);
    CHECK(poll.on_answer(400, R"({"error":"expired_token"})", kUrl, 5) ==
          DevicePoll::State::failed);
    CHECK(poll.error().kind == ErrorKind::auth);
    CHECK(poll.error().text.find("run psyncd --oauth-login again") != std::string::npos);
  }
  SECTION("the codes' lifetime runs out while pending") {
    DevicePoll poll(authorization(12, 5), 0);
    CHECK(poll.check_deadline() == DevicePoll::State::waiting);
    CHECK(poll.on_answer(400, kPending, kUrl, 5) == DevicePoll::State::waiting);  // next: 10
    CHECK(poll.on_answer(400, kSlow, kUrl, 10) == DevicePoll::State::failed);     // next: 20 > 12
    CHECK(poll.error().kind == ErrorKind::auth);
    CHECK(poll.error().text.starts_with("the sign-in was not finished before the code expired"));
  }
  SECTION("a token without a refresh token") {
    DevicePoll poll(authorization(), 0);
    CHECK(poll.on_answer(200, R"({"token_type":"Bearer","access_token":"at"})", kUrl, 5) ==
          DevicePoll::State::failed);
    CHECK(poll.error().kind == ErrorKind::protocol);
    CHECK(poll.error().text.find("offline_access") != std::string::npos);
  }
  SECTION("another error, and malformed JSON") {
    DevicePoll poll(authorization(), 0);
    CHECK(poll.on_answer(400, R"({"error":"invalid_client"})", kUrl, 5) ==
          DevicePoll::State::failed);
    CHECK(poll.error().kind == ErrorKind::auth);
    CHECK(poll.error().text.starts_with(
        "polling the token endpoint failed: HTTP 400 error=\"invalid_client\""));
    DevicePoll junk(authorization(), 0);
    CHECK(junk.on_answer(200, "{\"access_token\":", kUrl, 5) == DevicePoll::State::failed);
    CHECK(junk.error().kind == ErrorKind::protocol);
  }
}
