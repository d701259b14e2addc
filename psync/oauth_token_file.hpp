// A link's OAuth 2.0 grant (authtype token OAuth=NAME): MAIL_ROOT/oauth/NAME, an XMail-style
// tab file of "name"<TAB>"value" lines. The admin writes the first five; psyncd rewrites the
// file (crash-safely, mode 0600) when it gets a new access token or a rotated refresh token:
//   provider       microsoft | google: the token endpoint and scope presets below
//   token_url      the token endpoint (instead of, or overriding, a provider's); https://, or
//                  http:// to 127.0.0.1 only (a test server on this host)
//   client_id      the application (client) id registered with the provider
//   client_secret  its secret; leave it out for a public client (Microsoft allows that)
//   scope          optional: sent with each refresh (default: the provider's)
//   device_authorization_url  the device authorization endpoint (RFC 8628) psyncd
//                  --oauth-login uses (microsoft: preset; google has none for Gmail's scope)
//   authorization_url  the authorization endpoint for the code flow with PKCE (both presets)
//   login          optional: device or code, the flow --oauth-login runs (default: device
//                  when a device_authorization_url is known, else code)
//   refresh_token  the long-lived grant: psyncd --oauth-login gets it once (or the admin
//                  writes one got elsewhere)
//   access_token   written by psyncd: the current access token
//   expires_at     written by psyncd: when it expires, in seconds since 1970 (UTC)
// The file holds secrets: it must be a regular file of psyncd's own user that no group or
// other user can read, write or run (mode 0600 or 0400); psyncd refuses it otherwise.
// Parsing and formatting are pure; load/store do the I/O (store through the file-system seam).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/fs.hpp"
#include "common/result.hpp"

namespace psyncd::psync {

struct OAuthGrant {
  std::string provider;  // "microsoft", "google" or "" (then token_url is required)
  std::string token_url;
  std::string client_id;
  std::string client_secret;
  std::string scope;
  std::string device_authorization_url;  // RFC 8628 §3.1; "" = no device flow
  std::string authorization_url;         // RFC 6749 §3.1; "" = no code flow
  std::string login;                     // "", "device" or "code"
  std::string refresh_token;
  std::string access_token;
  long long expires_at = 0;  // 0: no access token known
};

// MAIL_ROOT/oauth/NAME.
std::string token_file_path(const std::string& mail_root, const std::string& name);
// A NAME OAuth= may give: letters, digits, '.', '_', '-', '@' and '+'; not starting with '.';
// at most 200 bytes, so the file stays inside MAIL_ROOT/oauth/. "" when good, else why not.
std::string token_file_name_problem(std::string_view name);

// What the file is read for: a link's fetch needs the refresh token; --oauth-login is run to
// get it, so a file without one is fine then.
enum class TokenFileUse { fetch, login };

// Reads the file's text; the presets fill token_url, scope and the login endpoints when not
// given. Errors (kind config) name the path, the line and the field.
Result<OAuthGrant> parse_token_file(std::string_view text, const std::string& path,
                                    TokenFileUse use = TokenFileUse::fetch);
std::string format_token_file(const OAuthGrant& grant);

// The permission rule on a stat(2) result: a regular file owned by `uid`, no group or other
// bits. Errors (kind config) say what to run (chmod 600 / chown).
Result<void> check_token_file_mode(const std::string& path, mode_t mode, uid_t owner, uid_t uid);

// Opens without following a symbolic link, checks the permissions on the open file, reads it.
Result<OAuthGrant> load_token_file(const std::string& path, TokenFileUse use = TokenFileUse::fetch);
// Replaces the file: temp file beside it (mode 0600), write, fsync, rename, fsync of the
// directory; a crash leaves the old file or the new one, never a mix.
Result<void> store_token_file(fs::FileSystem& fs, const std::string& path, const OAuthGrant& grant);

}  // namespace psyncd::psync
