// psync/oauth_login: psyncd --oauth-login's flows end to end against a scripted provider,
// a manual clock and a scripted terminal: which flow runs, the sleeps between polls, what is
// stored (and that nothing is on a failure), and that nothing secret is said.
#include "psync/oauth_login.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "psync/oauth_pkce.hpp"
#include "psync/oauth_token_file.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;
using namespace psyncd::psync;

namespace {

std::string line(const std::string& key, const std::string& value) {
  return "\"" + key + "\"\t\"" + value + "\"\n";
}

struct Provider {
  std::vector<std::pair<std::string, std::string>> sent;  // url, body
  std::map<std::string, std::deque<HttpAnswer>> answers;  // per URL, in order
};

struct Fixture {
  test::TempDir dir;
  ManualClock clock;
  Provider provider;
  std::vector<std::string> said;
  std::deque<std::string> typed;
  std::vector<long long> slept;
  std::string path = dir / "oauth/carol";
  LoginSeams io;

  explicit Fixture(const std::string& text) {
    dir.write("oauth/carol", text);
    ::chmod(path.c_str(), 0600);
    io.post = [this](const std::string& url, const std::string& body) -> Result<HttpAnswer> {
      provider.sent.emplace_back(url, body);
      auto& queue = provider.answers[url];
      if (queue.empty())  // as http_post_form says it
        return Error{ErrorKind::unavailable, url, 0, "token endpoint", "cannot reach it"};
      HttpAnswer a = queue.front();
      queue.pop_front();
      return a;
    };
    io.say = [this](const std::string& l) { said.push_back(l); };
    io.read_line = [this]() -> std::optional<std::string> {
      if (typed.empty()) return std::nullopt;
      std::string l = typed.front();
      typed.pop_front();
      return l;
    };
    io.sleep = [this](long long s) {
      slept.push_back(s);
      clock.advance(std::chrono::seconds(s));
    };
    // Fixed "random" bytes: byte i is i (the port is then 49152 + (48 * 256 + 49) % 16384).
    io.random_bytes = [](size_t n) -> Result<std::string> {
      std::string out;
      for (size_t i = 0; i < n; ++i) out += static_cast<char>(i);
      return out;
    };
    io.clock = &clock;
  }
  Result<void> login() { return oauth_login(fs::posix(), path, io); }
  std::string all_said() const {
    std::string out;
    for (const auto& l : said) out += l + "\n";
    return out;
  }
};

const std::string kDeviceFile = line("token_url", "https://login.example/token") +
                                line("device_authorization_url", "https://login.example/device") +
                                line("client_id", "app-1") + line("scope", "pop offline_access");
const std::string kGrant =
    R"({"token_type":"Bearer","expires_in":3600,"access_token":"at-new","refresh_token":"rt-new"})";

}  // namespace

TEST_CASE("login: device flow, pending and slow_down, then stored", "[oauth]") {
  Fixture f(kDeviceFile);
  f.provider.answers["https://login.example/device"] = {
      {200,
       R"({"device_code":"dc-secret","user_code":"WXYZ-1234","verification_uri":"https://login.example/verify","expires_in":900,"interval":2})"}};
  f.provider.answers["https://login.example/token"] = {
      {400, R"({"error":"authorization_pending"})"},
      {400, R"({"error":"slow_down"})"},
      {400, R"({"error":"authorization_pending"})"},
      {200, kGrant}};
  const long long start = unix_seconds(f.clock.now());
  REQUIRE(f.login());
  // Polls 2 s apart, then 7 s after the slow_down.
  CHECK(f.slept == std::vector<long long>{2, 2, 7, 7});
  REQUIRE(f.provider.sent.size() == 5);
  CHECK(f.provider.sent[0].second == "client_id=app-1&scope=pop%20offline_access");
  CHECK(f.provider.sent[1].second ==
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"
        "&device_code=dc-secret&client_id=app-1");
  auto g = load_token_file(f.path);
  REQUIRE(g);
  CHECK(g->refresh_token == "rt-new");
  CHECK(g->access_token == "at-new");
  CHECK(g->expires_at == start + 18 + 3600);
  CHECK(g->device_authorization_url == "https://login.example/device");  // the admin's lines kept
  struct stat st {};
  REQUIRE(::stat(f.path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const std::string said = f.all_said();
  CHECK(said.find("open https://login.example/verify and enter the code WXYZ-1234") !=
        std::string::npos);
  CHECK(said.find("refresh token stored in") != std::string::npos);
  for (const char* secret : {"dc-secret", "at-new", "rt-new"}) {
    INFO(secret);
    CHECK(said.find(secret) == std::string::npos);
  }
}

TEST_CASE("login: device flow failures leave the file alone", "[oauth]") {
  const std::string file = kDeviceFile + line("refresh_token", "rt-old");
  const std::string device =
      R"({"device_code":"dc","user_code":"U","verification_uri":"https://v","expires_in":10,"interval":3})";
  SECTION("denied") {
    Fixture f(file);
    f.provider.answers["https://login.example/device"] = {{200, device}};
    f.provider.answers["https://login.example/token"] = {{400, R"({"error":"access_denied"})"}};
    auto r = f.login();
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::auth);
    CHECK(r.error().text.find("declined") != std::string::npos);
    CHECK(f.dir.read("oauth/carol") == file);
  }
  SECTION("the code's lifetime runs out: no poll after it") {
    Fixture f(file);
    f.provider.answers["https://login.example/device"] = {{200, device}};
    f.provider.answers["https://login.example/token"] = {
        {400, R"({"error":"authorization_pending"})"},
        {400, R"({"error":"authorization_pending"})"},
        {400, R"({"error":"authorization_pending"})"}};
    auto r = f.login();
    REQUIRE_FALSE(r);
    CHECK(r.error().text.find("before the code expired") != std::string::npos);
    CHECK(f.provider.sent.size() == 4);  // device + polls at 3, 6, 9; 12 would be past 10
    CHECK(f.dir.read("oauth/carol") == file);
  }
  SECTION("the device endpoint cannot be reached") {
    Fixture f(file);
    auto r = f.login();
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::unavailable);
    CHECK(r.error().to_string() ==
          "https://login.example/device: device authorization endpoint: cannot reach it");
    CHECK(f.dir.read("oauth/carol") == file);
  }
  SECTION("the token endpoint misses polls until the code expires: polled again, backing off") {
    Fixture f(file);
    f.provider.answers["https://login.example/device"] = {{200, device}};
    auto r = f.login();  // nothing scripted at /token: every poll is unreachable
    REQUIRE_FALSE(r);
    CHECK(r.error().text.find("before the code expired") != std::string::npos);
    CHECK(f.slept == std::vector<long long>{3, 6});  // polls at 3 and 9; 21 is past 10
    CHECK(f.all_said().find("did not answer") != std::string::npos);
    CHECK(f.dir.read("oauth/carol") == file);
  }
}

TEST_CASE("login: code flow with PKCE and a pasted address", "[oauth]") {
  const std::string file = line("provider", "google") +
                           line("token_url", "https://t.example/token") +
                           line("client_id", "g-app") + line("client_secret", "GOCSPX-shh");
  Fixture f(file);
  std::string bytes;
  for (int i = 0; i < 50; ++i) bytes += static_cast<char>(i);
  const std::string verifier = pkce_verifier(bytes.substr(0, 32));
  const std::string state = base64url(bytes.substr(32, 16));
  const std::string redirect = "http://127.0.0.1:61489/";  // 49152 + (48 * 256 + 49) % 16384
  SECTION("the right address") {
    f.typed = {redirect + "?code=4%2F0Ab&state=" + state + "&scope=https://mail.google.com/"};
    f.provider.answers["https://t.example/token"] = {{200, kGrant}};
    REQUIRE(f.login());
    const std::string said = f.all_said();
    CHECK(said.find("https://accounts.google.com/o/oauth2/v2/auth?response_type=code"
                    "&client_id=g-app&redirect_uri=http%3A%2F%2F127.0.0.1%3A61489%2F"
                    "&scope=https%3A%2F%2Fmail.google.com%2F&state=" +
                    state + "&code_challenge=" + pkce_challenge_s256(verifier) +
                    "&code_challenge_method=S256&access_type=offline&prompt=consent") !=
          std::string::npos);
    REQUIRE(f.provider.sent.size() == 1);
    CHECK(f.provider.sent[0].second ==
          "grant_type=authorization_code&code=4%2F0Ab&redirect_uri=http%3A%2F%2F127.0.0.1%3A61489"
          "%2F&client_id=g-app&code_verifier=" +
              verifier + "&client_secret=GOCSPX-shh");
    auto g = load_token_file(f.path);
    REQUIRE(g);
    CHECK(g->refresh_token == "rt-new");
    for (const char* secret : {"GOCSPX-shh", "at-new", "rt-new"}) {
      INFO(secret);
      CHECK(said.find(secret) == std::string::npos);
    }
    CHECK(said.find(verifier) == std::string::npos);
  }
  SECTION("another sign-in's address: refused before any exchange") {
    f.typed = {redirect + "?code=4%2F0Ab&state=someone-else"};
    auto r = f.login();
    REQUIRE_FALSE(r);
    CHECK(r.error().text.find("state does not match") != std::string::npos);
    CHECK(f.provider.sent.empty());
    CHECK(f.dir.read("oauth/carol") == file);
  }
  SECTION("nothing pasted") {
    auto r = f.login();
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::usage);
    CHECK(f.dir.read("oauth/carol") == file);
  }
  SECTION("the provider refuses the code (another verifier)") {
    f.typed = {"4/0Ab"};
    f.provider.answers["https://t.example/token"] = {
        {400, R"({"error":"invalid_grant","error_description":"Bad code verifier."})"}};
    auto r = f.login();
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::auth);
    CHECK(f.dir.read("oauth/carol") == file);
  }
}

TEST_CASE("login: the flow chosen, and files it cannot use", "[oauth]") {
  SECTION("microsoft: device, at the tenant's own endpoint") {
    auto g = parse_token_file(
        line("provider", "microsoft") +
            line("token_url",
                 "https://login.microsoftonline.com/contoso.example/oauth2/v2.0/token") +
            line("client_id", "c"),
        "f", TokenFileUse::login);
    REQUIRE(g);
    CHECK(g->device_authorization_url ==
          "https://login.microsoftonline.com/contoso.example/oauth2/v2.0/devicecode");
    CHECK(g->authorization_url ==
          "https://login.microsoftonline.com/contoso.example/oauth2/v2.0/authorize");
  }
  SECTION("login device where there is no device endpoint") {
    Fixture f(line("provider", "google") + line("client_id", "c") + line("login", "device"));
    auto r = f.login();
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::config);
    CHECK(r.error().to_string().starts_with(f.path + ": device_authorization_url: missing"));
  }
  SECTION("no endpoint for either flow") {
    Fixture f(line("token_url", "https://t/") + line("client_id", "c"));
    auto r = f.login();
    REQUIRE_FALSE(r);
    CHECK(r.error().to_string().starts_with(f.path + ": authorization_url: missing"));
  }
  SECTION("a group-readable file is refused before anything is sent") {
    Fixture f(kDeviceFile);
    ::chmod(f.path.c_str(), 0640);
    auto r = f.login();
    REQUIRE_FALSE(r);
    CHECK(r.error().text.find("chmod 600") != std::string::npos);
    CHECK(f.provider.sent.empty());
  }
}
