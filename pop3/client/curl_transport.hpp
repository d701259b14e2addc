// CurlTransport: the Transport over libcurl (the only code in psyncd that includes curl).
// One easy handle in CONNECT_ONLY mode on pop3:// or pop3s://, no credentials: libcurl
// resolves, connects (optionally from OutBind), reads the greeting, sends CAPA, does STLS
// and the TLS handshake with verification on, then stops. We keep the greeting and CAPA
// from its header callback and speak POP3 ourselves through curl_easy_send/recv, waiting
// with poll() on the active socket up to a deadline. libcurl never sends QUIT here.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "pop3/client/connect_lines.hpp"
#include "pop3/client/protocol_trace.hpp"
#include "pop3/client/tls_session_cache.hpp"
#include "pop3/client/transport.hpp"
#include "pop3/client/trust_store.hpp"

namespace psyncd::pop3 {

enum class TlsMode {
  none,   // clear text
  stls,   // XMail STLS: try STLS when offered; a refusal leaves the link in clear text
  fstls,  // XMail FSTLS: STLS is required; no STLS or a refusal fails the link
  pop3s,  // XMail POP3S: implicit TLS right after connect
};

struct ConnectOptions {
  std::string host;
  std::uint16_t port = 0;  // 0: 110, or 995 for pop3s
  TlsMode tls = TlsMode::none;
  // OutBind: local address (IP or host name) to bind before connecting; empty = any.
  std::string out_bind;
  std::uint16_t out_bind_port = 0;
  std::chrono::milliseconds connect_timeout{60'000};  // -YT
  // TLS trust. By default the peer is verified against the system CAs. `ca_file` (e.g.
  // MAIL_ROOT/certs.pem) adds a PEM bundle; `ca_path` (e.g. MAIL_ROOT/certs/) a hashed dir.
  bool verify = true;  // NoVerify (extension) turns chain and host-name checks off
  std::string ca_file;
  std::string ca_path;
  // A public key pin (libcurl's own check; links pin the certificate, cert_sha256 below):
  // "sha256//<base64 of the SHA-256 of the server's DER public key>",
  // several joined with ';'. The pin is the trust anchor: chain and host name are then
  // not checked, so a self-signed server can be trusted by its key alone. Get the value
  // with: openssl s_client -connect H:995 </dev/null | openssl x509 -pubkey -noout |
  //       openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64
  std::string pinned_key;
  // Pin (extension, Pin=sha256: in POP3LINKS.TAB): the SHA-256 of the server's certificate
  // (cert_fingerprint.hpp), 64 lowercase hex digits. Checked after the handshake, before any
  // credential is sent; like pinned_key it replaces the chain and host-name checks. A link
  // that did not get to TLS (STLS not offered) fails rather than go on in clear text.
  std::string cert_sha256;
  // --trace: every line of the session, the connection phase's too, goes through it.
  std::shared_ptr<ProtocolTrace> trace;
  // TLS sessions to resume and to keep for the next connection (nullptr: none kept). Not used
  // with a pin or tls_details, which read the certificate a resumed session does not resend.
  std::shared_ptr<TlsSessionCache> sessions;
  // The CAs, loaded once per process (nullptr: libcurl loads them for every connection).
  std::shared_ptr<TrustStore> trust;
  // POP3S only: the CAPA list this server gave earlier (psync's per-cycle capability memory).
  // libcurl then only connects and handshakes, the greeting is read here and CAPA is not
  // sent: one round trip less. Not used when a proxy is set in the environment.
  std::optional<std::vector<std::string>> known_capa;
  // --probe: collect TlsDetails (protocol, cipher, certificate, verification).
  bool tls_details = false;
};

class CurlTransport final : public Transport {
 public:
  // Connects and runs the connection phase. Errors: unavailable (DNS, refused, reset),
  // temporary (connect timeout), protocol (bad greeting, STLS required but refused, TLS
  // or certificate failure).
  static Result<std::unique_ptr<CurlTransport>> connect(const ConnectOptions& options);
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  const std::string& greeting() const override { return lines_.greeting(); }
  const std::vector<std::string>& capa() const override {
    return capa_known_ ? known_capa_ : lines_.capa();
  }
  // The CAPA list came from ConnectOptions::known_capa (no CAPA was sent).
  bool capa_remembered() const { return capa_known_; }
  bool tls_active() const override { return tls_active_; }
  const TlsDetails* tls_details() const override {
    return want_details_ && tls_active_ ? &details_ : nullptr;
  }
  Result<void> send(std::string_view bytes, Deadline deadline) override;
  Result<std::size_t> recv(std::span<char> buffer, Deadline deadline) override;

  // libcurl's debug callback (CURLOPT_DEBUGFUNCTION), with curl's types as ints.
  static int on_debug(int type, char* data, std::size_t size, void* self);

 private:
  CurlTransport() = default;
  Result<void> wait(bool for_write, Deadline deadline);
  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self);
  void read_certificate(const ConnectOptions& options);
  void use_shared_tls(const ConnectOptions& options);
  Result<void> read_greeting(Deadline deadline);

  void* easy_ = nullptr;  // CURL*; kept opaque so curl.h stays inside the .cpp
  std::string peer_;      // "host:port" for messages
  ConnectLines lines_;
  bool lines_overflow_ = false;
  bool tls_active_ = false;
  bool capa_known_ = false;
  std::vector<std::string> known_capa_;
  std::string pending_;  // bytes read behind the greeting, handed out by recv() first
  std::shared_ptr<ProtocolTrace> trace_;
  std::shared_ptr<CurlShare> share_;  // outlive easy_, which uses them
  std::shared_ptr<void> store_;       // X509_STORE*
  bool want_details_ = false;
  TlsDetails details_;
};

// The URL libcurl is given: pop3://host:port or pop3s://host:port (IPv6 in brackets).
std::string connect_url(const ConnectOptions& options);

}  // namespace psyncd::pop3
