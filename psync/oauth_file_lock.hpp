// One writer at a time per token file: an flock on MAIL_ROOT/oauth/.NAME.lock (beside the
// file, so the lock survives the file's replacement by rename), held while the object lives.
// The refresh (oauth_tokens.hpp) and psyncd --oauth-login (oauth_login.hpp) both take it.
#pragma once

#include <string>

#include "common/result.hpp"

namespace psyncd::psync {

class TokenFileLock {
 public:
  // Waits for the lock on `path`'s lock file (created mode 0600 when missing).
  static Result<TokenFileLock> take(const std::string& path);
  TokenFileLock(TokenFileLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  TokenFileLock& operator=(TokenFileLock&&) = delete;
  TokenFileLock(const TokenFileLock&) = delete;
  TokenFileLock& operator=(const TokenFileLock&) = delete;
  ~TokenFileLock();

 private:
  explicit TokenFileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace psyncd::psync
