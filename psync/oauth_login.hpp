// psyncd --oauth-login NAME: gets the first refresh token for the token file
// MAIL_ROOT/oauth/NAME (oauth_token_file.hpp), which the admin has written with provider (or
// the endpoints), client_id, client_secret when there is one, and scope. Two flows:
//   device (RFC 8628, oauth_device_flow.hpp): where the provider allows it for the scope
//     (Microsoft): prints the verification URI and user code, polls the token endpoint;
//   code (RFC 6749 §4.1 + PKCE, oauth_auth_code.hpp): Google, whose device flow does not
//     allow Gmail's scope: prints the URL to open and reads the redirected address (or the
//     code) the admin pastes.
// The file's `login` field picks one; else device when a device_authorization_url is known.
// Then it stores refresh_token, access_token and expires_at with the file's writer (temp +
// fsync + rename, mode 0600, under the file's flock). It says nothing secret: no token, code,
// verifier or client secret reaches what it prints. The I/O comes in through LoginSeams.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/fs.hpp"
#include "common/result.hpp"
#include "psync/oauth_tokens.hpp"

namespace psyncd::psync {

struct LoginSeams {
  TokenPost post;                                         // the HTTPS POST (oauth_http.hpp)
  std::function<void(const std::string&)> say;            // one line to the admin
  std::function<std::optional<std::string>()> read_line;  // one line the admin typed; nullopt: end
  std::function<void(long long seconds)> sleep;           // wait (the device flow's interval)
  std::function<Result<std::string>(size_t n)> random_bytes;  // n bytes, a good random source
  const Clock* clock = nullptr;
};

// Errors name the token file and field for a file problem, the endpoint's URL for its answer;
// the file is left as it was on any error.
Result<void> oauth_login(fs::FileSystem& fs, const std::string& path, const LoginSeams& io);

// Production seams: libcurl with MAIL_ROOT's trust files, stdin/stdout, the system clock,
// getrandom(2).
LoginSeams terminal_login_seams(const std::string& mail_root, std::chrono::milliseconds timeout,
                                std::ostream& out, std::istream& in);

}  // namespace psyncd::psync
