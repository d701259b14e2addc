// psync/oauth_auth_code: the authorization URL, the pasted redirect address (state check,
// declined sign-in, bare code), and the code exchange's form and answers.
#include "psync/oauth_auth_code.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace psyncd;
using namespace psyncd::psync;

namespace {

const std::string kRedirect = "http://127.0.0.1:50123/";
const std::string kState = "st-123_-";

}  // namespace

TEST_CASE("auth code: the address to open", "[oauth]") {
  OAuthGrant g;
  g.provider = "google";
  g.authorization_url = "https://accounts.google.com/o/oauth2/v2/auth";
  g.client_id = "1-abc.apps.googleusercontent.com";
  g.scope = "https://mail.google.com/";
  CHECK(loopback_redirect_uri(50123) == kRedirect);
  CHECK(authorization_request_url(g, kRedirect, kState, "E9Mel-cM") ==
        "https://accounts.google.com/o/oauth2/v2/auth?response_type=code"
        "&client_id=1-abc.apps.googleusercontent.com"
        "&redirect_uri=http%3A%2F%2F127.0.0.1%3A50123%2F&scope=https%3A%2F%2Fmail.google.com%2F"
        "&state=st-123_-&code_challenge=E9Mel-cM&code_challenge_method=S256"
        "&access_type=offline&prompt=consent");
  g.provider.clear();
  g.authorization_url = "http://127.0.0.1:8080/authorize?tenant=x";
  CHECK(authorization_request_url(g, kRedirect, kState, "c") ==
        "http://127.0.0.1:8080/authorize?tenant=x&response_type=code"
        "&client_id=1-abc.apps.googleusercontent.com"
        "&redirect_uri=http%3A%2F%2F127.0.0.1%3A50123%2F&scope=https%3A%2F%2Fmail.google.com%2F"
        "&state=st-123_-&code_challenge=c&code_challenge_method=S256");
}

TEST_CASE("auth code: what the admin pastes", "[oauth]") {
  // The whole address, with white space around it and Google's extra scope parameter.
  auto code = code_from_paste(
      "  http://127.0.0.1:50123/?state=st-123_-&code=4%2F0AfJ-x&scope=https%3A%2F%2Fmail.google."
      "com%2F\r\n",
      kRedirect, kState);
  REQUIRE(code);
  CHECK(*code == "4/0AfJ-x");
  // A fragment is ignored; the bare code is taken as it is.
  CHECK(*code_from_paste("http://127.0.0.1:50123/?code=c1&state=st-123_-#_", kRedirect, kState) ==
        "c1");
  CHECK(*code_from_paste("4/0AfJ-x", kRedirect, kState) == "4/0AfJ-x");
}

TEST_CASE("auth code: pastes that are refused", "[oauth]") {
  struct Case {
    std::string pasted;
    ErrorKind kind;
    const char* starts;
  };
  const Case cases[] = {
      {"", ErrorKind::usage, "pasted address: nothing was pasted"},
      {"http://127.0.0.1:50123/?code=c1&state=other", ErrorKind::usage,
       "pasted address: its state does not match this sign-in's"},
      {"http://127.0.0.1:50123/?code=c1", ErrorKind::usage,
       "pasted address: its state does not match this sign-in's"},
      {"http://127.0.0.1:50124/?code=c1&state=st-123_-", ErrorKind::usage,
       "pasted address: the address does not start with http://127.0.0.1:50123"},
      {"https://evil.example/?code=c1&state=st-123_-", ErrorKind::usage,
       "pasted address: the address does not start with http://127.0.0.1:50123"},
      {"http://127.0.0.1:50123/?error=access_denied&error_description=The+user+said+no&state="
       "st-123_-",
       ErrorKind::auth,
       "pasted address: the provider did not grant access: error=\"access_denied\" "
       "description=\"The user said no\": nothing stored"},
      {"http://127.0.0.1:50123/?state=st-123_-", ErrorKind::usage,
       "pasted address: the address has no code=..."},
      {"http://127.0.0.1:50123/?code=a&code=b&state=st-123_-", ErrorKind::usage,
       "pasted address: the address's query is malformed"},
      {"http://127.0.0.1:50123/?code=%zz&state=st-123_-", ErrorKind::usage,
       "pasted address: the address's query is malformed"},
      {"http://127.0.0.1:50123/?code=a%20b&state=st-123_-", ErrorKind::usage,
       "pasted address: the code holds a space"},
      {"code=c1&state=st-123_-", ErrorKind::usage, "pasted address: neither the address"},
      {"two words", ErrorKind::usage, "pasted address: neither the address"},
  };
  for (const Case& c : cases) {
    INFO(c.pasted);
    auto r = code_from_paste(c.pasted, kRedirect, kState);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == c.kind);
    CHECK(r.error().to_string().starts_with(c.starts));
    CHECK(r.error().to_string().find("c1") == std::string::npos);  // the code is not repeated
  }
}

TEST_CASE("auth code: the exchange", "[oauth]") {
  OAuthGrant g;
  g.client_id = "app";
  CHECK(code_exchange_body(g, "4/0A", "dBjf-_", kRedirect) ==
        "grant_type=authorization_code&code=4%2F0A&redirect_uri=http%3A%2F%2F127.0.0.1%3A50123%2F"
        "&client_id=app&code_verifier=dBjf-_");
  g.client_secret = "GOCSPX-x";
  CHECK(code_exchange_body(g, "c", "v", kRedirect).ends_with("&client_secret=GOCSPX-x"));
  auto ok = parse_code_exchange_answer(
      200,
      R"({"access_token":"ya29.a","expires_in":3599,"refresh_token":"1//0g","scope":"https://mail.google.com/","token_type":"Bearer"})",
      "https://t/");
  REQUIRE(ok);
  CHECK(ok->refresh_token == "1//0g");
  auto bad = parse_code_exchange_answer(
      400, R"({"error":"invalid_grant","error_description":"Bad code verifier."})", "https://t/");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::auth);
  CHECK(bad.error().to_string().starts_with(
      "https://t/: exchanging the code failed: HTTP 400 error=\"invalid_grant\" "
      "description=\"Bad code verifier.\": a code works once"));
  auto no_refresh = parse_code_exchange_answer(200, R"({"access_token":"a","token_type":"Bearer"})",
                                               "https://t/");
  REQUIRE_FALSE(no_refresh);
  CHECK(no_refresh.error().text.find("no refresh_token") != std::string::npos);
  CHECK(parse_code_exchange_answer(500, "", "https://t/").error().kind == ErrorKind::temporary);
}
