// Access tokens for links with OAuth=NAME: read from the link's token file
// (oauth_token_file.hpp) while they have more than 5 minutes left, else refreshed at the token
// endpoint (oauth_refresh.hpp over oauth_http.hpp) and stored back, a rotated refresh token
// included, before the token is used (temp + fsync + rename + directory fsync: a crash leaves
// the old grant or the new one). One refresh at a time per file: a process-wide mutex for the
// daemon's workers and an flock on MAIL_ROOT/oauth/.NAME.lock for a psyncd --once beside it.
// Logs say when a token was refreshed or a refresh token rotated, never a token or secret.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "common/clock.hpp"
#include "common/fs.hpp"
#include "common/result.hpp"
#include "psync/oauth_http.hpp"

namespace psyncd::psync {

struct Link;

// The HTTP POST (url, form body) → answer; http_post_form in production, a fake in tests.
using TokenPost =
    std::function<Result<HttpAnswer>(const std::string& url, const std::string& body)>;

// The fetch engine's view: an access token for the link (OAuth= set); force: refresh even when
// the stored token looks fresh (the server has just refused it).
using TokenSource = std::function<Result<std::string>(const Link& link, bool force)>;

// Refreshed when less than this is left.
inline constexpr std::chrono::seconds kRefreshMargin{300};

// The file `path`'s access token, refreshed when needed or forced. Errors: the file's own
// (kind config, cause token_file), the endpoint's (oauth_refresh.hpp; transport failures get
// cause token_endpoint), or the store's (kind io).
Result<std::string> access_token(fs::FileSystem& fs, const std::string& path, const Clock& clock,
                                 const TokenPost& post, bool force);

// Production POSTs: libcurl trusting the system CAs plus MAIL_ROOT/certs.pem and certs/.
TokenPost https_token_post(const std::string& mail_root, std::chrono::milliseconds timeout);

// Production: files under mail_root/oauth/, libcurl with MAIL_ROOT's trust files.
TokenSource oauth_token_source(const std::string& mail_root, std::chrono::milliseconds timeout);

}  // namespace psyncd::psync
