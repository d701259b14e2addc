#include "psync/oauth_tokens.hpp"

#include <map>
#include <memory>
#include <mutex>

#include "common/log.hpp"
#include "psync/link.hpp"
#include "psync/oauth_file_lock.hpp"
#include "psync/oauth_refresh.hpp"
#include "psync/oauth_token_file.hpp"

namespace psyncd::psync {

namespace {

std::mutex& file_mutex(const std::string& path) {
  static std::mutex guard;
  static std::map<std::string, std::unique_ptr<std::mutex>> per_file;
  std::lock_guard<std::mutex> lock(guard);
  auto& m = per_file[path];
  if (!m) m = std::make_unique<std::mutex>();
  return *m;
}

Error tagged(Error e, ErrorCause cause) {
  if (e.cause == ErrorCause::none || cause == ErrorCause::token_file) e.cause = cause;
  return e;
}

}  // namespace

Result<std::string> access_token(fs::FileSystem& fs, const std::string& path, const Clock& clock,
                                 const TokenPost& post, bool force) {
  std::lock_guard<std::mutex> in_process(file_mutex(path));
  auto lock = TokenFileLock::take(path);
  if (!lock) return tagged(lock.error(), ErrorCause::token_file);
  auto grant = load_token_file(path);
  if (!grant) return tagged(grant.error(), ErrorCause::token_file);
  const long long now = unix_seconds(clock.now());
  if (!force && !grant->access_token.empty() && grant->expires_at - now > kRefreshMargin.count())
    return grant->access_token;
  auto answer = post(grant->token_url, refresh_request_body(*grant));
  if (!answer) return tagged(answer.error(), ErrorCause::token_endpoint);
  auto token = parse_token_answer(answer->status, answer->body, grant->token_url);
  if (!token) return tagged(token.error(), ErrorCause::token_endpoint);
  const bool rotated =
      !token->refresh_token.empty() && token->refresh_token != grant->refresh_token;
  grant->access_token = token->access_token;
  // No lifetime given: assume the common hour, so the margin still refreshes in time.
  grant->expires_at = now + (token->expires_in > 0 ? token->expires_in : 3600);
  if (rotated) grant->refresh_token = token->refresh_token;
  if (auto stored = store_token_file(fs, path, *grant); !stored) {
    Error e = stored.error();
    e.text = "the new token could not be stored" +
             std::string(rotated ? " (the rotated refresh token is lost: re-authorize if the old "
                                   "one stops working)"
                                 : "") +
             ": " + e.text;
    return e;
  }
  log::info("{}: access token refreshed, valid for {} s{}", path, grant->expires_at - now,
            rotated ? "; refresh token rotated and stored" : "");
  return grant->access_token;
}

TokenPost https_token_post(const std::string& mail_root, std::chrono::milliseconds timeout) {
  HttpTrust trust;
  if (std::string f = fs::join(mail_root, "certs.pem"); fs::exists(f)) trust.ca_file = f;
  if (std::string d = fs::join(mail_root, "certs"); fs::is_directory(d)) trust.ca_path = d;
  return [trust, timeout](const std::string& url, const std::string& body) {
    return http_post_form(url, body, timeout, trust);
  };
}

TokenSource oauth_token_source(const std::string& mail_root, std::chrono::milliseconds timeout) {
  TokenPost post = https_token_post(mail_root, timeout);
  return [mail_root, post](const Link& link, bool force) {
    return access_token(fs::posix(), token_file_path(mail_root, link.auth.oauth_file),
                        system_clock(), post, force);
  };
}

}  // namespace psyncd::psync
