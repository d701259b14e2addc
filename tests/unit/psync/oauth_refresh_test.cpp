// psync/oauth_refresh: the refresh request's form and what each kind of token endpoint
// answer becomes (RFC 6749 §5.1, §5.2).
#include "psync/oauth_refresh.hpp"

#include <catch2/catch.hpp>

using namespace psyncd;
using namespace psyncd::psync;

TEST_CASE("refresh: the form sent", "[oauth]") {
  OAuthGrant g;
  g.client_id = "app 1";
  g.refresh_token = "M.R3_BAY.-C!*x=";
  g.scope = "https://outlook.office.com/POP.AccessAsUser.All offline_access";
  CHECK(refresh_request_body(g) ==
        "grant_type=refresh_token&refresh_token=M.R3_BAY.-C%21%2Ax%3D&client_id=app%201"
        "&scope=https%3A%2F%2Foutlook.office.com%2FPOP.AccessAsUser.All%20offline_access");
  g.client_secret = "s&=";
  g.scope.clear();
  CHECK(refresh_request_body(g) ==
        "grant_type=refresh_token&refresh_token=M.R3_BAY.-C%21%2Ax%3D&client_id=app%201"
        "&client_secret=s%26%3D");
  CHECK(form_encode("aZ09-._~ /\xC3\xA9") == "aZ09-._~%20%2F%C3%A9");
}

TEST_CASE("refresh: a good answer", "[oauth]") {
  auto a = parse_token_answer(
      200,
      R"({"token_type":"Bearer","expires_in":3599,"access_token":"at-1","refresh_token":"rt-2"})",
      "https://t/");
  REQUIRE(a);
  CHECK(a->access_token == "at-1");
  CHECK(a->expires_in == 3599);
  CHECK(a->refresh_token == "rt-2");
  auto google = parse_token_answer(
      200,
      R"({"access_token":"ya29.x","expires_in":"3599","scope":"https://mail.google.com/","token_type":"bearer"})",
      "https://t/");
  REQUIRE(google);
  CHECK(google->refresh_token.empty());  // not rotated: keep the old one
  CHECK(google->expires_in == 3599);
}

TEST_CASE("refresh: answers that fail, and how", "[oauth]") {
  struct Case {
    long status;
    std::string body;
    ErrorKind kind;
    ErrorCause cause;
    const char* want;
  };
  const Case cases[] = {
      {400, R"({"error":"invalid_grant","error_description":"AADSTS70008: expired"})",
       ErrorKind::auth, ErrorCause::grant_refused,
       "https://t/: token endpoint: refused the refresh token: HTTP 400 error=\"invalid_grant\" "
       "description=\"AADSTS70008: expired\""},
      {401, R"({"error":"invalid_client"})", ErrorKind::auth, ErrorCause::grant_refused,
       "https://t/: token endpoint: refused the refresh token: HTTP 401 error=\"invalid_client\""},
      {503, "<html>busy</html>", ErrorKind::temporary, ErrorCause::none,
       "https://t/: token endpoint: refresh failed for now: HTTP 503"},
      {400, R"({"error":"invalid_request"})", ErrorKind::protocol, ErrorCause::none,
       "https://t/: token endpoint: refresh failed: HTTP 400 error=\"invalid_request\""},
      {200, "{\"access_token\":", ErrorKind::protocol, ErrorCause::none,
       "https://t/: token endpoint: answer is not JSON: JSON: byte 17: not a JSON value"},
      {200, "[]", ErrorKind::protocol, ErrorCause::none,
       "https://t/: token endpoint: answer is not a JSON object"},
      {200, R"({"token_type":"Bearer"})", ErrorKind::protocol, ErrorCause::none,
       "https://t/: token endpoint: answer has no access_token"},
      {200, R"({"token_type":"mac","access_token":"a"})", ErrorKind::protocol, ErrorCause::none,
       "https://t/: token endpoint: answer's token_type is not Bearer"},
      {200, R"({"token_type":"Bearer","access_token":"a b"})", ErrorKind::protocol,
       ErrorCause::none,
       "https://t/: token endpoint: answer's access_token holds a space, quote or control byte"},
      {200, R"({"token_type":"Bearer","access_token":"a","refresh_token":"x\ny"})",
       ErrorKind::protocol, ErrorCause::none,
       "https://t/: token endpoint: answer's refresh_token holds a space, quote or control byte"},
      {200, R"({"token_type":"Bearer","access_token":"a","expires_in":-5})", ErrorKind::protocol,
       ErrorCause::none, "https://t/: token endpoint: answer's expires_in is not seconds"},
  };
  for (const auto& c : cases) {
    INFO(c.body);
    auto a = parse_token_answer(c.status, c.body, "https://t/");
    REQUIRE_FALSE(a);
    CHECK(a.error().kind == c.kind);
    CHECK(a.error().cause == c.cause);
    CHECK(a.error().to_string() == c.want);
  }
}
