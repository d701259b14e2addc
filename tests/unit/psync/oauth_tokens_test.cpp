// psync/oauth_tokens: when a token is refreshed, what is stored, what a failure is called,
// and that no token or secret reaches the log, with a scripted token endpoint and a manual
// clock.
#include "psync/oauth_tokens.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <mutex>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "psync/oauth_token_file.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;
using namespace psyncd::psync;

namespace {

struct Endpoint {
  std::vector<std::string> bodies;  // what psyncd sent
  Result<HttpAnswer> next = HttpAnswer{200, ""};
  TokenPost post() {
    return [this](const std::string&, const std::string& body) -> Result<HttpAnswer> {
      bodies.push_back(body);
      return next;
    };
  }
};

struct LogCapture {
  std::string text;
  std::mutex m;
  log::Sink old;
  LogCapture() {
    old = log::set_sink([this](log::Level, std::string_view line) {
      std::lock_guard<std::mutex> lock(m);
      text += std::string(line) + "\n";
    });
  }
  ~LogCapture() { log::set_sink(old); }
};

struct Fixture {
  test::TempDir dir;
  ManualClock clock;
  Endpoint endpoint;
  std::string path = dir / "oauth/alice";
  Fixture() {
    OAuthGrant g;
    g.token_url = "https://login.example/token";
    g.client_id = "app-1";
    g.client_secret = "client-secret-xyz";
    g.refresh_token = "rt-old-123";
    g.access_token = "at-stored-456";
    g.expires_at = unix_seconds(clock.now()) + 3600;
    dir.write("oauth/alice", format_token_file(g));
    ::chmod(path.c_str(), 0600);
  }
  Result<std::string> token(bool force = false) {
    return access_token(fs::posix(), path, clock, endpoint.post(), force);
  }
  OAuthGrant stored() { return *load_token_file(path); }
};

const std::string kRotated =
    R"({"token_type":"Bearer","expires_in":3600,"access_token":"at-new-789","refresh_token":"rt-new-abc"})";

}  // namespace

TEST_CASE("tokens: a stored token is used until 5 minutes before it expires", "[oauth]") {
  Fixture f;
  CHECK(*f.token() == "at-stored-456");
  f.clock.advance(std::chrono::seconds(3600 - 301));
  CHECK(*f.token() == "at-stored-456");
  CHECK(f.endpoint.bodies.empty());
  f.clock.advance(std::chrono::seconds(2));
  f.endpoint.next = HttpAnswer{200, kRotated};
  CHECK(*f.token() == "at-new-789");
  REQUIRE(f.endpoint.bodies.size() == 1);
  CHECK(f.endpoint.bodies[0] ==
        "grant_type=refresh_token&refresh_token=rt-old-123&client_id=app-1"
        "&client_secret=client-secret-xyz");
  OAuthGrant now = f.stored();
  CHECK(now.refresh_token == "rt-new-abc");  // rotated, and stored before use
  CHECK(now.access_token == "at-new-789");
  CHECK(now.expires_at == unix_seconds(f.clock.now()) + 3600);
  struct stat st {};
  REQUIRE(::stat(f.path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // The next call uses the stored token without asking.
  CHECK(*f.token() == "at-new-789");
  CHECK(f.endpoint.bodies.size() == 1);
}

TEST_CASE("tokens: forced refresh, and one without rotation", "[oauth]") {
  Fixture f;
  f.endpoint.next = HttpAnswer{200, R"({"token_type":"Bearer","access_token":"at-2"})"};
  CHECK(*f.token(true) == "at-2");
  CHECK(f.endpoint.bodies.size() == 1);
  OAuthGrant now = f.stored();
  CHECK(now.refresh_token == "rt-old-123");
  CHECK(now.expires_at == unix_seconds(f.clock.now()) + 3600);  // no expires_in: an hour
}

TEST_CASE("tokens: failures keep the file and say what to do", "[oauth]") {
  Fixture f;
  const std::string before = f.dir.read("oauth/alice");
  SECTION("revoked grant") {
    f.endpoint.next = HttpAnswer{400, R"({"error":"invalid_grant"})"};
    auto t = f.token(true);
    REQUIRE_FALSE(t);
    CHECK(t.error().cause == ErrorCause::grant_refused);
  }
  SECTION("endpoint down") {
    f.endpoint.next = Error{ErrorKind::unavailable, "https://login.example/token", 0,
                            "token endpoint", "cannot reach it: Couldn't connect to server"};
    auto t = f.token(true);
    REQUIRE_FALSE(t);
    CHECK(t.error().cause == ErrorCause::token_endpoint);
    CHECK(t.error().kind == ErrorKind::unavailable);
  }
  SECTION("malformed answer") {
    f.endpoint.next = HttpAnswer{200, "{\"access_token\":\"a\",}"};
    auto t = f.token(true);
    REQUIRE_FALSE(t);
    CHECK(t.error().kind == ErrorKind::protocol);
  }
  CHECK(f.dir.read("oauth/alice") == before);
}

TEST_CASE("tokens: an unsafe token file is refused before anything is sent", "[oauth]") {
  Fixture f;
  ::chmod(f.path.c_str(), 0640);
  auto t = f.token(true);
  REQUIRE_FALSE(t);
  CHECK(t.error().cause == ErrorCause::token_file);
  CHECK(t.error().text.find("chmod 600") != std::string::npos);
  CHECK(f.endpoint.bodies.empty());
}

TEST_CASE("tokens: no token or secret reaches the log", "[oauth]") {
  LogCapture logs;
  Fixture f;
  f.endpoint.next = HttpAnswer{200, kRotated};
  REQUIRE(f.token(true));
  f.endpoint.next = HttpAnswer{400, R"({"error":"invalid_grant"})"};
  auto refused = f.token(true);
  REQUIRE_FALSE(refused);
  CHECK(logs.text.find("refreshed") != std::string::npos);  // it did log something
  for (const char* secret :
       {"rt-old-123", "at-stored-456", "client-secret-xyz", "at-new-789", "rt-new-abc"}) {
    INFO(secret);
    CHECK(logs.text.find(secret) == std::string::npos);
    CHECK(refused.error().to_string().find(secret) == std::string::npos);
  }
}
