// psync/oauth_token_file: the token file's format (presets, bad lines named by line and
// field), the permission rule, and a crash while storing a new grant.
#include "psync/oauth_token_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <string>

#include "tests/support/common/faulty_fs.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;
using namespace psyncd::psync;

namespace {

std::string line(const std::string& key, const std::string& value) {
  return "\"" + key + "\"\t\"" + value + "\"\n";
}

}  // namespace

TEST_CASE("token file: presets and explicit endpoints", "[oauth]") {
  auto ms = parse_token_file(line("provider", "microsoft") + line("client_id", "app-1") +
                                 line("refresh_token", "M.R3_BAY.-C!*x"),
                             "oauth/carol");
  REQUIRE(ms);
  CHECK(ms->token_url == "https://login.microsoftonline.com/common/oauth2/v2.0/token");
  CHECK(ms->scope == "https://outlook.office.com/POP.AccessAsUser.All offline_access");
  CHECK(ms->client_secret.empty());
  CHECK(ms->refresh_token == "M.R3_BAY.-C!*x");
  auto g = parse_token_file(line("provider", "google") + line("client_id", "x.apps") +
                                line("client_secret", "GOCSPX-s") + line("refresh_token", "1//0g") +
                                line("access_token", "ya29.a") + line("expires_at", "1700003600"),
                            "oauth/dave");
  REQUIRE(g);
  CHECK(g->token_url == "https://oauth2.googleapis.com/token");
  CHECK(g->scope == "https://mail.google.com/");
  CHECK(g->expires_at == 1700003600);
  // An explicit URL wins over the preset; http only to 127.0.0.1.
  auto own = parse_token_file(line("provider", "microsoft") +
                                  line("token_url", "https://login.example/t") +
                                  line("client_id", "c") + line("refresh_token", "r"),
                              "f");
  REQUIRE(own);
  CHECK(own->token_url == "https://login.example/t");
  CHECK(parse_token_file(line("token_url", "http://127.0.0.1:8080/token") + line("client_id", "c") +
                             line("refresh_token", "r"),
                         "f"));
  // The login endpoints: Microsoft's beside its token endpoint, Google's authorization
  // endpoint only (its device flow does not allow Gmail's scope).
  CHECK(ms->device_authorization_url ==
        "https://login.microsoftonline.com/common/oauth2/v2.0/devicecode");
  CHECK(ms->authorization_url == "https://login.microsoftonline.com/common/oauth2/v2.0/authorize");
  CHECK(g->device_authorization_url.empty());
  CHECK(g->authorization_url == "https://accounts.google.com/o/oauth2/v2/auth");
  // --oauth-login reads a file that has no refresh token yet; a fetch does not.
  const std::string first = line("provider", "google") + line("client_id", "c");
  CHECK(parse_token_file(first, "f", TokenFileUse::login));
  CHECK_FALSE(parse_token_file(first, "f"));
  // Round trip through the writer.
  auto again = parse_token_file(format_token_file(*g), "oauth/dave");
  REQUIRE(again);
  CHECK(again->refresh_token == g->refresh_token);
  CHECK(again->access_token == "ya29.a");
  CHECK(again->expires_at == 1700003600);
}

TEST_CASE("token file: bad files name the line and the field", "[oauth]") {
  struct Case {
    std::string text;
    const char* want;
  };
  const std::string base = line("client_id", "c") + line("refresh_token", "r");
  const Case cases[] = {
      {base, "f: token_url: missing: give token_url, or provider microsoft/google"},
      {line("provider", "yahoo") + base,
       "f: provider: unknown provider \"yahoo\" (want microsoft or google, or leave it out and "
       "give token_url)"},
      {line("token_url", "http://login.example/t") + base,
       "f: token_url: \"http://login.example/t\": want an https:// URL (http:// only to "
       "127.0.0.1)"},
      {line("token_url", "http://127.0.0.10/t") + base,
       "f: token_url: \"http://127.0.0.10/t\": want an https:// URL (http:// only to "
       "127.0.0.1)"},
      {line("provider", "google") + line("refresh_token", "r"), "f: client_id: missing"},
      {line("provider", "google") + line("client_id", "c"),
       "f: refresh_token: missing: get one once with psyncd --oauth-login f "
       "(docs/admin-guide.md \"OAuth 2.0\")"},
      {line("provider", "google") + base + line("login", "browser"),
       "f: login: \"browser\": want device or code"},
      {line("provider", "google") + base +
           line("device_authorization_url", "http://login.example/d"),
       "f: device_authorization_url: \"http://login.example/d\": want an https:// URL (http:// "
       "only to 127.0.0.1)"},
      {line("provider", "google") + base + line("refresh", "x"),
       "f:4: refresh: unknown name (want one of provider, token_url, client_id, client_secret, "
       "scope, device_authorization_url, authorization_url, login, refresh_token, "
       "access_token, expires_at)"},
      {line("provider", "google") + base + line("client_id", "d"),
       "f:4: client_id: given twice (first on line 2)"},
      {line("provider", "google") + base + "\"scope\"\n",
       "f:4: 1 fields, want 2: \"name\" \"value\""},
      {line("provider", "google") + base + line("expires_at", "soon"),
       "f:4: expires_at: want seconds since 1970"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto g = parse_token_file(c.text, "f");
    REQUIRE_FALSE(g);
    CHECK(g.error().kind == ErrorKind::config);
    CHECK(g.error().to_string() == c.want);
  }
}

TEST_CASE("token file: only its owner may read it", "[oauth]") {
  const uid_t me = 1000;
  CHECK(check_token_file_mode("f", S_IFREG | 0600, me, me));
  CHECK(check_token_file_mode("f", S_IFREG | 0400, me, me));
  auto group = check_token_file_mode("f", S_IFREG | 0640, me, me);
  REQUIRE_FALSE(group);
  CHECK(group.error().to_string() ==
        "f: mode 0640: the file holds secrets, so no group or other user may read or write it "
        "(chmod 600 f)");
  CHECK_FALSE(check_token_file_mode("f", S_IFREG | 0604, me, me));
  CHECK_FALSE(check_token_file_mode("f", S_IFREG | 0620, me, me));
  auto owner = check_token_file_mode("f", S_IFREG | 0600, 0, me);
  REQUIRE_FALSE(owner);
  CHECK(owner.error().text ==
        "owned by uid 0, not by psyncd's uid 1000: the file holds secrets (chown it to psyncd's "
        "user)");
  CHECK_FALSE(check_token_file_mode("f", S_IFDIR | 0700, me, me));
}

TEST_CASE("token file: load refuses a readable file and a symbolic link", "[oauth]") {
  test::TempDir dir;
  const std::string text =
      line("provider", "google") + line("client_id", "c") + line("refresh_token", "r");
  dir.write("oauth/alice", text);
  const std::string path = dir / "oauth/alice";
  ::chmod(path.c_str(), 0644);
  auto open = load_token_file(path);
  REQUIRE_FALSE(open);
  CHECK(open.error().text.find("mode 0644") != std::string::npos);
  ::chmod(path.c_str(), 0600);
  CHECK(load_token_file(path));
  REQUIRE(::symlink(path.c_str(), (dir / "oauth/link").c_str()) == 0);
  CHECK_FALSE(load_token_file(dir / "oauth/link"));
  auto missing = load_token_file(dir / "oauth/none");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().kind == ErrorKind::not_found);
}

TEST_CASE("token file: a crash while storing leaves the old grant or the new one", "[oauth]") {
  test::TempDir dir;
  const std::string path = dir / "oauth/bob";
  OAuthGrant old_grant;
  old_grant.provider = "google";
  old_grant.client_id = "c";
  old_grant.refresh_token = "rt-old";
  dir.write("oauth/bob", format_token_file(old_grant));
  ::chmod(path.c_str(), 0600);
  OAuthGrant new_grant = old_grant;
  new_grant.refresh_token = "rt-new";
  new_grant.access_token = "at-new";
  new_grant.expires_at = 1700003600;
  bool saw_old = false, saw_new = false;
  for (long k = 1; k <= 8; ++k) {
    INFO("crash at call " << k);
    test::FaultyFs faulty;
    faulty.crash_at_call(k);
    auto stored = store_token_file(faulty, path, new_grant);
    auto now = load_token_file(path);
    REQUIRE(now);  // never half-written, and still mode 0600
    CHECK((now->refresh_token == "rt-old" || now->refresh_token == "rt-new"));
    if (now->refresh_token == "rt-new") CHECK(now->access_token == "at-new");
    (now->refresh_token == "rt-old" ? saw_old : saw_new) = true;
    if (stored) CHECK(now->refresh_token == "rt-new");
    dir.write("oauth/bob", format_token_file(old_grant));
    ::chmod(path.c_str(), 0600);
  }
  CHECK(saw_old);
  CHECK(saw_new);
}

TEST_CASE("token file: OAuth= names", "[oauth]") {
  CHECK(token_file_name_problem("carol-m365").empty());
  CHECK(token_file_name_problem("a.b_c+d@e").empty());
  CHECK(token_file_name_problem("") == "no file name");
  CHECK(token_file_name_problem(".hidden") == "file name starts with '.'");
  CHECK(token_file_name_problem("../x") == "file name starts with '.'");
  CHECK(token_file_name_problem("a/b") ==
        "file name holds a byte other than letters, digits and . _ - @ +");
  CHECK(token_file_name_problem(std::string(201, 'a')) == "file name longer than 200 bytes");
}
