#include "common/result.hpp"

#include <fmt/format.h>

namespace psyncd {

namespace {
// How much of a peer's reply an error shows: a login's -ERR may explain itself at length.
constexpr std::size_t kReplyShown = 200;
}  // namespace

std::string quote_peer_text(std::string_view bytes, std::size_t max) {
  std::string out = "\"";
  for (std::size_t i = 0; i < bytes.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (bytes.size() > max) out += "...";
  out.push_back('"');
  return out;
}

std::string Error::to_string() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
  }
  if (!field.empty()) out += field + ": ";
  out += text;
  if (!reply.empty()) out += ": " + quote_peer_text(reply, kReplyShown);
  return out;
}

const char* to_string(ErrorCause cause) {
  switch (cause) {
    case ErrorCause::none:
      return "none";
    case ErrorCause::no_space:
      return "no-space";
    case ErrorCause::cross_device:
      return "cross-device";
    case ErrorCause::resolve:
      return "resolve";
    case ErrorCause::unreachable:
      return "unreachable";
    case ErrorCause::timeout:
      return "timeout";
    case ErrorCause::closed:
      return "closed";
    case ErrorCause::tls_certificate:
      return "tls-certificate";
    case ErrorCause::tls_pin_mismatch:
      return "tls-pin-mismatch";
    case ErrorCause::tls_not_started:
      return "tls-not-started";
    case ErrorCause::stls_missing:
      return "stls-missing";
    case ErrorCause::login_refused:
      return "login-refused";
    case ErrorCause::login_busy:
      return "login-busy";
    case ErrorCause::mechanism_missing:
      return "mechanism-missing";
    case ErrorCause::token_refused:
      return "token-refused";
    case ErrorCause::grant_refused:
      return "grant-refused";
    case ErrorCause::token_file:
      return "token-file";
    case ErrorCause::token_endpoint:
      return "token-endpoint";
    case ErrorCause::silent_after_login:
      return "silent-after-login";
    case ErrorCause::peer_refused:
      return "peer-refused";
  }
  return "none";
}

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage:
      return "usage";
    case ErrorKind::config:
      return "config";
    case ErrorKind::not_found:
      return "not-found";
    case ErrorKind::io:
      return "io";
    case ErrorKind::protocol:
      return "protocol";
    case ErrorKind::auth:
      return "auth";
    case ErrorKind::temporary:
      return "temporary";
    case ErrorKind::unavailable:
      return "unavailable";
    case ErrorKind::internal:
      return "internal";
  }
  return "internal";
}

int exit_code(ErrorKind kind) {
  // Values from sysexits.h, written out so the header is not needed everywhere.
  switch (kind) {
    case ErrorKind::usage:
      return 64;  // EX_USAGE
    case ErrorKind::config:
      return 78;  // EX_CONFIG
    case ErrorKind::not_found:
      return 66;  // EX_NOINPUT
    case ErrorKind::io:
      return 74;  // EX_IOERR
    case ErrorKind::protocol:
      return 76;  // EX_PROTOCOL
    case ErrorKind::auth:
      return 77;  // EX_NOPERM
    case ErrorKind::temporary:
      return 75;  // EX_TEMPFAIL
    case ErrorKind::unavailable:
      return 69;  // EX_UNAVAILABLE
    case ErrorKind::internal:
      return 70;  // EX_SOFTWARE
  }
  return 70;
}

}  // namespace psyncd
