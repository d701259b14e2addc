// Transport: the byte pipe under a POP3 client session, already connected and past the
// greeting, CAPA and any STLS/implicit TLS. The session code talks to this interface only,
// so tests can substitute a fake. It does not parse POP3 beyond what the connection phase
// hands over (greeting line, CAPA lines); every wait is bounded by a deadline.
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::pop3 {

// What a TLS connection was, for `psyncd --probe` (empty fields: not known).
struct TlsDetails {
  std::string protocol;  // "TLSv1.3"
  std::string cipher;    // "TLS_AES_256_GCM_SHA384"
  std::string subject;   // the server certificate's, as OpenSSL prints it
  std::string issuer;
  std::string expires;  // "Expire date" as libcurl gives it
  std::string verify;   // "ok", "off (NoVerify)", "pinned", or OpenSSL's verify error
};

using Deadline = std::chrono::steady_clock::time_point;

class Transport {
 public:
  virtual ~Transport() = default;
  // The server greeting, CRLF stripped ("+OK ... <stamp@host>").
  virtual const std::string& greeting() const = 0;
  // The last CAPA list received (after STLS, the post-TLS one), one capability per
  // entry, CRLF stripped, without the "+OK" and "." lines. Empty when CAPA failed.
  virtual const std::vector<std::string>& capa() const = 0;
  // True once the connection is encrypted (POP3S, or STLS accepted).
  virtual bool tls_active() const = 0;
  // TLS details when the transport was asked for them and the connection is encrypted.
  virtual const TlsDetails* tls_details() const { return nullptr; }
  // Sends every byte, or fails (timeout → ErrorKind::temporary, I/O → unavailable).
  virtual Result<void> send(std::string_view bytes, Deadline deadline) = 0;
  // Waits until some bytes arrive and returns how many were put in `buffer`; 0 means the
  // peer closed the connection. Fails on timeout (temporary) or I/O error (unavailable).
  virtual Result<std::size_t> recv(std::span<char> buffer, Deadline deadline) = 0;
};

}  // namespace psyncd::pop3
