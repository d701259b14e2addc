// Result<T> and Error: the one way expected failures travel in psyncd.
// An Error names what went wrong (kind, and where advice depends on it a finer cause), where
// (file, line, field) and why (text, our diagnosis); a peer's own words (a server's "-ERR"
// line) travel beside it in `reply`, never folded into the diagnosis.
// Exceptions are kept for bugs and start-up-fatal conditions only.
// GCC 12 has no std::expected in C++20, hence this small type.
#pragma once

#include <cassert>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace psyncd {

enum class ErrorKind {
  usage,        // bad command line (EX_USAGE)
  config,       // bad configuration or data file (EX_DATAERR / EX_CONFIG)
  not_found,    // a file, account or message that should exist does not (EX_NOINPUT / EX_NOUSER)
  io,           // the operating system refused (EX_IOERR)
  protocol,     // a peer broke the protocol (EX_PROTOCOL)
  auth,         // authentication refused (EX_NOPERM)
  temporary,    // try again later: locked, busy, timed out (EX_TEMPFAIL)
  unavailable,  // a service or host is unreachable (EX_UNAVAILABLE)
  internal,     // a bug (EX_SOFTWARE)
};

// Finer than the kind where what an admin should do depends on it (app/advice.cpp keys its
// table on it). Set where the failure is seen; `none` everywhere else.
enum class ErrorCause {
  none,
  no_space,            // ENOSPC, EDQUOT
  cross_device,        // EXDEV, or a temp directory on another file system than its target
  resolve,             // the host name does not resolve
  unreachable,         // no connection: refused, unreachable, closed during the greeting
  timeout,             // the peer did not answer in time
  closed,              // the peer closed the connection
  tls_certificate,     // the peer's certificate was not accepted (or could not be read)
  tls_pin_mismatch,    // the peer's certificate is not the pinned one
  tls_not_started,     // a pin needs TLS, but the server started none (no STLS offered)
  stls_missing,        // STLS/FSTLS asked for, the server does not offer STLS
  login_refused,       // the server refused the credentials
  login_busy,          // the server refused the login for now ([IN-USE], [LOGIN-DELAY], [SYS/TEMP])
  mechanism_missing,   // the SASL mechanism asked for is not offered (or none in common)
  token_refused,       // the server refused the OAuth 2.0 access token (XOAUTH2/OAUTHBEARER)
  grant_refused,       // the OAuth 2.0 token endpoint refused the refresh token: re-authorize
  token_file,          // a link's OAuth 2.0 token file is missing, unsafe or unreadable
  token_endpoint,      // the OAuth 2.0 token endpoint could not be reached or did not answer
  silent_after_login,  // the server took the login, then sent nothing
  peer_refused,        // the server answered -ERR to a command (not the login)
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string file;   // the file (or peer) the problem is in; empty when none applies
  int line = 0;       // 1-based line in `file`; 0 when none applies
  std::string field;  // the field or token concerned; empty when none applies
  std::string text;   // our diagnosis, in words an admin can act on
  std::string reply;  // the peer's own words, as it sent them ("-ERR [AUTH] no"); "" when none
  ErrorCause cause = ErrorCause::none;

  Error() = default;
  Error(ErrorKind k, std::string in_file, int at_line, std::string in_field, std::string why)
      : kind(k),
        file(std::move(in_file)),
        line(at_line),
        field(std::move(in_field)),
        text(std::move(why)) {}

  // "file:line: field: text" with the empty parts left out; then, when the peer said
  // something, ": " and the reply quoted by quote_peer_text.
  std::string to_string() const;
};

// `bytes` a peer sent, in double quotes, with control bytes, bytes of 0x7f and above, the
// double quote and the backslash as \xNN, at most `max` bytes (then "..."): one safe line.
std::string quote_peer_text(std::string_view bytes, std::size_t max = 60);
// "none", "no-space", "cross-device", ... (the status file stores these).
const char* to_string(ErrorCause cause);

const char* to_string(ErrorKind kind);
// sysexits.h code for a kind, so exit statuses mean what mail admins expect.
int exit_code(ErrorKind kind);

inline Error make_error(ErrorKind kind, std::string text) {
  return Error{kind, {}, 0, {}, std::move(text)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error& error() {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }
  Error& error() {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace psyncd
