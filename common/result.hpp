// Result<T> and Error: the one way expected failures travel in psyncd.
// An Error names what went wrong (kind), where (file, line, field) and why (text).
// Exceptions are kept for bugs and start-up-fatal conditions only.
// GCC 12 has no std::expected in C++20, hence this small type.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace psyncd {

enum class ErrorKind {
  usage,      // bad command line (EX_USAGE)
  config,     // bad configuration or data file (EX_DATAERR / EX_CONFIG)
  not_found,  // a file, account or message that should exist does not (EX_NOINPUT / EX_NOUSER)
  io,         // the operating system refused (EX_IOERR)
  protocol,   // a peer broke the protocol (EX_PROTOCOL)
  auth,       // authentication refused (EX_NOPERM)
  temporary,  // try again later: locked, busy, timed out (EX_TEMPFAIL)
  unavailable,// a service or host is unreachable (EX_UNAVAILABLE)
  internal,   // a bug (EX_SOFTWARE)
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string file;   // the file (or peer) the problem is in; empty when none applies
  int line = 0;       // 1-based line in `file`; 0 when none applies
  std::string field;  // the field or token concerned; empty when none applies
  std::string text;   // our diagnosis, in words an admin can act on

  // "file:line: field: text" with the empty parts left out.
  std::string to_string() const;
};

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

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }
  Error& error() { assert(!ok()); return std::get<1>(v_); }

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
  const Error& error() const { assert(!ok_); return error_; }
  Error& error() { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace psyncd
