#include "common/result.hpp"

namespace psyncd {

std::string Error::to_string() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
  }
  if (!field.empty()) out += field + ": ";
  out += text;
  return out;
}

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage: return "usage";
    case ErrorKind::config: return "config";
    case ErrorKind::not_found: return "not-found";
    case ErrorKind::io: return "io";
    case ErrorKind::protocol: return "protocol";
    case ErrorKind::auth: return "auth";
    case ErrorKind::temporary: return "temporary";
    case ErrorKind::unavailable: return "unavailable";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

int exit_code(ErrorKind kind) {
  // Values from sysexits.h, written out so the header is not needed everywhere.
  switch (kind) {
    case ErrorKind::usage: return 64;        // EX_USAGE
    case ErrorKind::config: return 78;       // EX_CONFIG
    case ErrorKind::not_found: return 66;    // EX_NOINPUT
    case ErrorKind::io: return 74;           // EX_IOERR
    case ErrorKind::protocol: return 76;     // EX_PROTOCOL
    case ErrorKind::auth: return 77;         // EX_NOPERM
    case ErrorKind::temporary: return 75;    // EX_TEMPFAIL
    case ErrorKind::unavailable: return 69;  // EX_UNAVAILABLE
    case ErrorKind::internal: return 70;     // EX_SOFTWARE
  }
  return 70;
}

}  // namespace psyncd
