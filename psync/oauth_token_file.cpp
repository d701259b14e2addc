#include "psync/oauth_token_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "common/decimal.hpp"
#include "tabfile/tab_reader.hpp"
#include "tabfile/tab_writer.hpp"

namespace psyncd::psync {

namespace {

struct Preset {
  const char* name;
  const char* token_url;
  const char* scope;
  // Beside token_url when it ends with this: the login endpoints are its siblings (so a
  // tenant's own token_url gets the tenant's own device and authorization endpoints).
  const char* token_suffix;
  const char* device_suffix;     // "" = the provider has no device flow for this scope
  const char* authorize_suffix;  // the authorization endpoint
  const char* authorize_url;     // used when token_url is not of the suffix's form
};

// The providers' published endpoints and the scopes POP3 needs (docs/admin-guide.md
// "OAuth 2.0"). Microsoft's "common" tenant serves work and school accounts of any tenant.
// Google's device flow does not allow the Gmail scope, so google has no device endpoint.
constexpr std::array<Preset, 2> kPresets = {{
    {"microsoft", "https://login.microsoftonline.com/common/oauth2/v2.0/token",
     "https://outlook.office.com/POP.AccessAsUser.All offline_access", "/oauth2/v2.0/token",
     "/oauth2/v2.0/devicecode", "/oauth2/v2.0/authorize",
     "https://login.microsoftonline.com/common/oauth2/v2.0/authorize"},
    {"google", "https://oauth2.googleapis.com/token", "https://mail.google.com/", "", "", "",
     "https://accounts.google.com/o/oauth2/v2/auth"},
}};

constexpr std::array<const char*, 11> kKeys = {
    "provider",          "token_url", "client_id",
    "client_secret",     "scope",     "device_authorization_url",
    "authorization_url", "login",     "refresh_token",
    "access_token",      "expires_at"};

Error problem(const std::string& path, int line, std::string field, std::string text) {
  return Error{ErrorKind::config, path, line, std::move(field), std::move(text)};
}

// https://, or http:// to the loopback address 127.0.0.1 (tests run a token server there).
bool allowed_url(std::string_view url) {
  if (url.rfind("https://", 0) == 0) return url.size() > 8;
  constexpr std::string_view loopback = "http://127.0.0.1";
  if (url.rfind(loopback, 0) != 0) return false;
  return url.size() == loopback.size() || url[loopback.size()] == ':' ||
         url[loopback.size()] == '/';
}

std::string* slot(OAuthGrant& g, std::string_view key) {
  if (key == "provider") return &g.provider;
  if (key == "token_url") return &g.token_url;
  if (key == "client_id") return &g.client_id;
  if (key == "client_secret") return &g.client_secret;
  if (key == "scope") return &g.scope;
  if (key == "device_authorization_url") return &g.device_authorization_url;
  if (key == "authorization_url") return &g.authorization_url;
  if (key == "login") return &g.login;
  if (key == "refresh_token") return &g.refresh_token;
  if (key == "access_token") return &g.access_token;
  return nullptr;
}

Result<void> apply_preset(OAuthGrant& g, const std::string& path) {
  if (g.provider.empty()) {
    if (g.token_url.empty())
      return problem(path, 0, "token_url", "missing: give token_url, or provider microsoft/google");
    return {};
  }
  for (const Preset& p : kPresets) {
    if (g.provider != p.name) continue;
    if (g.token_url.empty()) g.token_url = p.token_url;
    if (g.scope.empty()) g.scope = p.scope;
    std::string_view suffix = p.token_suffix;
    const bool sibling =
        !suffix.empty() && g.token_url.size() > suffix.size() && g.token_url.ends_with(suffix);
    const std::string base =
        sibling ? g.token_url.substr(0, g.token_url.size() - suffix.size()) : "";
    if (g.device_authorization_url.empty() && sibling && *p.device_suffix != '\0')
      g.device_authorization_url = base + p.device_suffix;
    if (g.authorization_url.empty())
      g.authorization_url = sibling ? base + p.authorize_suffix : p.authorize_url;
    return {};
  }
  return problem(path, 0, "provider",
                 "unknown provider \"" + g.provider +
                     "\" (want microsoft or google, or leave "
                     "it out and give token_url)");
}

}  // namespace

std::string token_file_path(const std::string& mail_root, const std::string& name) {
  return fs::join(fs::join(mail_root, "oauth"), name);
}

std::string token_file_name_problem(std::string_view name) {
  if (name.empty()) return "no file name";
  if (name.size() > 200) return "file name longer than 200 bytes";
  if (name[0] == '.') return "file name starts with '.'";
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '@' || c == '+';
    if (!ok) return "file name holds a byte other than letters, digits and . _ - @ +";
  }
  return "";
}

Result<OAuthGrant> parse_token_file(std::string_view text, const std::string& path,
                                    TokenFileUse use) {
  tabfile::Table table = tabfile::parse(text, path);
  if (!table.problems.empty()) return table.problems.front();
  OAuthGrant g;
  std::array<int, kKeys.size()> seen_at{};
  for (const tabfile::Record& r : table.records) {
    if (r.fields.size() != 2)
      return problem(path, r.line, "",
                     fmt::format("{} fields, want 2: \"name\" \"value\"", r.fields.size()));
    const std::string& key = r.fields[0];
    size_t k = 0;
    while (k < kKeys.size() && key != kKeys[k]) ++k;
    if (k == kKeys.size())
      return problem(path, r.line, key,
                     "unknown name (want one of provider, token_url, client_id, "
                     "client_secret, scope, device_authorization_url, authorization_url, "
                     "login, refresh_token, access_token, expires_at)");
    if (seen_at[k] != 0)
      return problem(path, r.line, key, fmt::format("given twice (first on line {})", seen_at[k]));
    seen_at[k] = r.line;
    if (key == "expires_at") {
      auto n = parse_decimal(r.fields[1], uint64_t{1} << 40);
      if (!n) return problem(path, r.line, key, "want seconds since 1970");
      g.expires_at = static_cast<long long>(*n);
    } else {
      *slot(g, key) = r.fields[1];
    }
  }
  if (auto p = apply_preset(g, path); !p) return p.error();
  if (!allowed_url(g.token_url))
    return problem(path, 0, "token_url",
                   "\"" + g.token_url + "\": want an https:// URL (http:// only to 127.0.0.1)");
  for (auto [field, url] : {std::pair{"device_authorization_url", &g.device_authorization_url},
                            std::pair{"authorization_url", &g.authorization_url}})
    if (!url->empty() && !allowed_url(*url))
      return problem(path, 0, field,
                     "\"" + *url + "\": want an https:// URL (http:// only to 127.0.0.1)");
  if (!g.login.empty() && g.login != "device" && g.login != "code")
    return problem(path, 0, "login", "\"" + g.login + "\": want device or code");
  if (g.client_id.empty()) return problem(path, 0, "client_id", "missing");
  if (g.refresh_token.empty() && use == TokenFileUse::fetch)
    return problem(path, 0, "refresh_token",
                   "missing: get one once with psyncd --oauth-login " + fs::base_name(path) +
                       " (docs/admin-guide.md \"OAuth 2.0\")");
  return g;
}

std::string format_token_file(const OAuthGrant& g) {
  std::string out =
      "# OAuth 2.0 grant of a pop3links.tab link (OAuth=). psyncd rewrites this file; keep it "
      "mode 0600.\n";
  auto line = [&out](const char* key, const std::string& value) {
    if (!value.empty()) out += tabfile::format_line(std::vector<tabfile::OutField>{{key}, {value}});
  };
  line("provider", g.provider);
  line("token_url", g.token_url);
  line("client_id", g.client_id);
  line("client_secret", g.client_secret);
  line("scope", g.scope);
  line("device_authorization_url", g.device_authorization_url);
  line("authorization_url", g.authorization_url);
  line("login", g.login);
  line("refresh_token", g.refresh_token);
  line("access_token", g.access_token);
  if (g.expires_at > 0) line("expires_at", std::to_string(g.expires_at));
  return out;
}

Result<void> check_token_file_mode(const std::string& path, mode_t mode, uid_t owner, uid_t uid) {
  if (!S_ISREG(mode)) return problem(path, 0, "", "not a regular file");
  if (owner != uid)
    return problem(path, 0, "",
                   fmt::format("owned by uid {}, not by psyncd's uid {}: the file holds secrets "
                               "(chown it to psyncd's user)",
                               owner, uid));
  if ((mode & 077) != 0)
    return problem(path, 0, "",
                   fmt::format("mode {:04o}: the file holds secrets, so no group or other user "
                               "may read or write it (chmod 600 {})",
                               mode & 07777, path));
  return {};
}

Result<OAuthGrant> load_token_file(const std::string& path, TokenFileUse use) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return fs::sys_error("open", path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return fs::sys_error("fstat", path, err);
  }
  if (auto ok = check_token_file_mode(path, st.st_mode, st.st_uid, ::geteuid()); !ok) {
    ::close(fd);
    return ok.error();
  }
  std::string text;
  char buf[4096];
  while (text.size() <= 256 * 1024) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return fs::sys_error("read", path, err);
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  if (text.size() > 256 * 1024) return problem(path, 0, "", "larger than 256 KiB");
  return parse_token_file(text, path, use);
}

Result<void> store_token_file(fs::FileSystem& fs, const std::string& path,
                              const OAuthGrant& grant) {
  return fs::write_file_atomic(fs, path, format_token_file(grant), 0600);
}

}  // namespace psyncd::psync
