// What libcurl 7.88 does in CONNECT_ONLY mode on pop3:// with no credentials (traced
// against Dovecot 2.3 and the fake server): it reads the greeting, sends "CAPA", and with
// CURLUSESSL_TRY/ALL sends "STLS" only if CAPA listed STLS, handshakes, then sends "CAPA"
// again. It never sends USER/PASS/AUTH/APOP, and curl_easy_cleanup sends no QUIT. Every
// server line reaches the header callback. CURLINFO_TLS_SSL_PTR returns no session
// afterwards, so TLS state is inferred (see connect()). The 300 KB header cap of libcurl
// also bounds an endless CAPA reply before our own bound may trigger.
#include "pop3/client/curl_transport.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <system_error>

#include "common/ascii.hpp"
#include "pop3/client/cert_fingerprint.hpp"
#include "pop3/client/curl_global.hpp"

namespace psyncd::pop3 {

namespace {

CURL* as_curl(void* p) { return static_cast<CURL*>(p); }

ErrorKind kind_of(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_INTERFACE_FAILED:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      return ErrorKind::unavailable;
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorKind::temporary;
    default:
      return ErrorKind::protocol;  // TLS, certificate, STLS refused, odd greeting
  }
}

// What the failure says an admin should look at (the advice table in app/ keys on it).
ErrorCause cause_of(CURLcode rc) {
  switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return ErrorCause::resolve;
    case CURLE_COULDNT_CONNECT:
    case CURLE_INTERFACE_FAILED:
      return ErrorCause::unreachable;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      return ErrorCause::closed;
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorCause::timeout;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
      return ErrorCause::tls_certificate;
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      return ErrorCause::tls_pin_mismatch;
    case CURLE_USE_SSL_FAILED:
      return ErrorCause::stls_missing;
    default:
      return ErrorCause::none;
  }
}

Error error_at(const std::string& peer, ErrorKind kind, std::string text,
               ErrorCause cause = ErrorCause::none) {
  Error e{kind, peer, 0, {}, std::move(text)};
  e.cause = cause;
  return e;
}

// The chain and host name are checked unless NoVerify or a pin (the trust anchor) says not.
bool checks_chain(const ConnectOptions& o) {
  return o.verify && o.pinned_key.empty() && o.cert_sha256.empty();
}

void set_tls_options(CURL* h, const ConnectOptions& o) {
  switch (o.tls) {
    case TlsMode::none:
      curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_NONE));
      break;
    case TlsMode::stls:
      curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
      break;
    case TlsMode::fstls:
      curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
      break;
    case TlsMode::pop3s:
      break;  // the scheme does it
  }
  const bool check_chain = checks_chain(o);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, check_chain ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, check_chain ? 2L : 0L);
  // CAINFO replaces the built-in bundle, but the built-in CA directory stays in use, so
  // certs.pem adds to the system CAs rather than replacing them.
  if (!o.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, o.ca_file.c_str());
  if (!o.ca_path.empty()) curl_easy_setopt(h, CURLOPT_CAPATH, o.ca_path.c_str());
  if (!o.pinned_key.empty()) curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, o.pinned_key.c_str());
  if (!o.cert_sha256.empty() || o.tls_details) curl_easy_setopt(h, CURLOPT_CERTINFO, 1L);
}

// One field ("Subject:", ...) of the server certificate from libcurl's CERTINFO.
std::string certificate_field(CURL* h, std::string_view name) {
  curl_certinfo* info = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &info) != CURLE_OK || info == nullptr ||
      info->num_of_certs < 1)
    return {};
  for (curl_slist* s = info->certinfo[0]; s != nullptr; s = s->next) {
    std::string_view field(s->data);
    if (field.substr(0, name.size()) == name) return std::string(field.substr(name.size()));
  }
  return {};
}

// The server certificate's SHA-256 from libcurl's CERTINFO (filled in CONNECT_ONLY mode too,
// for pop3s and after STLS); empty when the connection has no certificate.
std::string peer_certificate_sha256(CURL* h) {
  curl_certinfo* info = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &info) != CURLE_OK || info == nullptr ||
      info->num_of_certs < 1) {
    return {};
  }
  constexpr std::string_view kCert = "Cert:";
  for (curl_slist* s = info->certinfo[0]; s != nullptr; s = s->next) {
    std::string_view field(s->data);
    if (field.substr(0, kCert.size()) != kCert) continue;
    return certificate_sha256(field.substr(kCert.size())).value_or("");
  }
  return {};
}

// "AB:CD:...", as `openssl x509 -fingerprint` prints it, for the admin to compare.
std::string with_colons(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (i > 0) out += ':';
    out += ascii_upper(hex.substr(i, 2));
  }
  return out;
}

// CURLOPT_SSL_CTX_FUNCTION: the shared, already loaded CA store replaces the empty one.
CURLcode install_store(CURL*, void* ssl_ctx, void* store) {
  SSL_CTX_set1_cert_store(static_cast<SSL_CTX*>(ssl_ctx), static_cast<X509_STORE*>(store));
  return CURLE_OK;
}

int debug_callback(CURL*, curl_infotype type, char* data, std::size_t size, void* self) {
  return CurlTransport::on_debug(static_cast<int>(type), data, size, self);
}

// A proxy from the environment applies to pop3s:// (pop3s_proxy, all_proxy) but not in the same
// way to the https:// a remembered CAPA connects with, so then nothing is remembered.
bool proxy_in_environment() {
  static const bool set = [] {
    for (const char* name :
         {"pop3s_proxy", "POP3S_PROXY", "all_proxy", "ALL_PROXY", "https_proxy", "HTTPS_PROXY"}) {
      if (const char* v = std::getenv(name); v != nullptr && *v != '\0') return true;
    }
    return false;
  }();
  return set;
}

}  // namespace

std::string connect_url(const ConnectOptions& o) {
  const bool implicit = o.tls == TlsMode::pop3s;
  std::uint16_t port = o.port != 0 ? o.port : static_cast<std::uint16_t>(implicit ? 995 : 110);
  const bool v6 = o.host.find(':') != std::string::npos && o.host.front() != '[';
  return fmt::format("{}://{}{}{}:{}", implicit ? "pop3s" : "pop3", v6 ? "[" : "", o.host,
                     v6 ? "]" : "", port);
}

// libcurl's verbose stream: the commands it sends while connecting (CAPA, STLS) and its
// "SSL connection using <protocol> / <cipher>" line. The server's lines come through
// on_header(); bodies never pass here (CONNECT_ONLY).
int CurlTransport::on_debug(int type, char* data, std::size_t size, void* self) {
  auto* t = static_cast<CurlTransport*>(self);
  std::string_view text(data, size);
  if (type == CURLINFO_HEADER_OUT && t->trace_) t->trace_->sent(text);
  if (type != CURLINFO_TEXT) return 0;
  constexpr std::string_view kUsing = "SSL connection using ";
  if (text.substr(0, kUsing.size()) != kUsing) return 0;
  std::string_view rest = text.substr(kUsing.size());
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == '\r')) rest.remove_suffix(1);
  const std::size_t slash = rest.find(" / ");
  t->details_.protocol = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) t->details_.cipher = std::string(rest.substr(slash + 3));
  if (t->trace_) t->trace_->note(fmt::format("TLS: {}", rest));
  return 0;
}

// The process-wide TLS state: resumable sessions and the loaded CA store.
void CurlTransport::use_shared_tls(const ConnectOptions& o) {
  CURL* h = as_curl(easy_);
  const bool check_chain = checks_chain(o);
  std::uint64_t generation = 0;
  // A clear-text link never needs the CAs (STLS may, so it loads them).
  if (o.trust && check_chain && o.tls != TlsMode::none)
    store_ = o.trust->store_for(o.ca_file, o.ca_path, generation);
  if (store_) {
    curl_easy_setopt(h, CURLOPT_CAINFO, nullptr);
    curl_easy_setopt(h, CURLOPT_CAPATH, nullptr);
    curl_easy_setopt(h, CURLOPT_SSL_CTX_FUNCTION, &install_store);
    curl_easy_setopt(h, CURLOPT_SSL_CTX_DATA, store_.get());
  }
  // Sessions only where the certificate is not needed again (a resumed session does not
  // resend it) and the CAs are ours to watch: libcurl would otherwise reuse a session
  // verified against CAs it read from a file that has since changed.
  const bool needs_certificate = !o.cert_sha256.empty() || o.tls_details;
  if (o.sessions && !needs_certificate && (store_ || !check_chain)) {
    share_ = o.sessions->share_for(generation);
    if (share_) curl_easy_setopt(h, CURLOPT_SHARE, share_->handle());
  }
}

void CurlTransport::read_certificate(const ConnectOptions& o) {
  CURL* h = as_curl(easy_);
  details_.subject = certificate_field(h, "Subject:");
  details_.issuer = certificate_field(h, "Issuer:");
  details_.expires = certificate_field(h, "Expire date:");
  if (!o.cert_sha256.empty() || !o.pinned_key.empty()) {
    details_.verify = "pinned (the chain and host name are not checked)";
  } else if (!o.verify) {
    details_.verify = "off (NoVerify)";
  } else {
    long result = -1;
    curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &result);
    // The handshake fails on a bad chain or host name while verification is on, so a
    // connection here passed both.
    details_.verify =
        result == 0 ? "ok (chain and host name verified)" : fmt::format("verify result {}", result);
  }
}

std::size_t CurlTransport::on_header(char* data, std::size_t size, std::size_t count, void* self) {
  auto* t = static_cast<CurlTransport*>(self);
  const std::size_t n = size * count;
  if (t->trace_) t->trace_->received(std::string_view(data, n));
  if (!t->lines_.add(std::string_view(data, n))) {
    t->lines_overflow_ = true;
    return 0;  // makes libcurl abort the connection phase
  }
  return n;
}

Result<std::unique_ptr<CurlTransport>> CurlTransport::connect(const ConnectOptions& o) {
  curl_global_init_once();
  std::unique_ptr<CurlTransport> t(new CurlTransport());
  const std::string url = connect_url(o);
  t->peer_ = url;
  // With the server's CAPA known, libcurl is asked for a plain TLS connection (CONNECT_ONLY on
  // https:// stops after the handshake and sends nothing); the POP3 greeting is ours to read.
  const bool tls_only = o.tls == TlsMode::pop3s && o.known_capa.has_value() &&
                        !o.known_capa->empty() && !o.tls_details && !proxy_in_environment();
  const std::string curl_url =
      tls_only ? "https" + url.substr(std::string_view("pop3s").size()) : url;
  CURL* h = curl_easy_init();
  if (h == nullptr) return error_at(url, ErrorKind::internal, "curl_easy_init failed");
  t->easy_ = h;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_URL, curl_url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, tls_only ? "https" : "pop3,pop3s");
  if (tls_only) curl_easy_setopt(h, CURLOPT_SSL_ENABLE_ALPN, 0L);
  curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &CurlTransport::on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, t.get());
  t->trace_ = o.trace;
  t->want_details_ = o.tls_details;
  if (o.trace || o.tls_details) {
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, &debug_callback);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, t.get());
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
  }
  // The whole connection phase (connect, greeting, CAPA, STLS, handshake) is bounded.
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(o.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(o.connect_timeout.count()));
  std::string bind = o.out_bind.empty() ? std::string() : "host!" + o.out_bind;
  if (!bind.empty()) curl_easy_setopt(h, CURLOPT_INTERFACE, bind.c_str());
  if (o.out_bind_port != 0)
    curl_easy_setopt(h, CURLOPT_LOCALPORT, static_cast<long>(o.out_bind_port));
  set_tls_options(h, o);
  t->use_shared_tls(o);

  CURLcode rc = curl_easy_perform(h);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);  // errbuf dies with this frame
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 0L);        // our own deadlines from now on
  if (t->lines_overflow_) {
    return error_at(url, ErrorKind::protocol, "greeting or CAPA reply too long");
  }
  if (rc != CURLE_OK) {
    std::string why = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    Error e = error_at(url, kind_of(rc), fmt::format("connect: {}", why), cause_of(rc));
    // A server that greets with -ERR says why itself: its words go with ours.
    if (const std::string& g = t->lines_.greeting(); !g.empty() && g.front() == '-') e.reply = g;
    return e;
  }
  // CURLINFO_TLS_SSL_PTR gives no session in CONNECT_ONLY mode (libcurl 7.88), so TLS is
  // known from the mode and, for STLS, from the replies libcurl showed us.
  t->tls_active_ = o.tls == TlsMode::pop3s || o.tls == TlsMode::fstls ||
                   (o.tls == TlsMode::stls && t->lines_.stls_accepted());
  if (t->trace_ && !t->tls_active_ && o.tls == TlsMode::stls)
    t->trace_->note("no TLS: the server did not offer or refused STLS; the session is in clear");
  if (o.tls_details && t->tls_active_) t->read_certificate(o);
  if (!o.cert_sha256.empty()) {
    if (!t->tls_active_) {
      return error_at(url, ErrorKind::protocol,
                      "Pin=sha256: is set but the server did not start TLS (no STLS offered)",
                      ErrorCause::tls_not_started);
    }
    const std::string got = peer_certificate_sha256(h);
    if (got.empty()) {
      return error_at(url, ErrorKind::protocol, "Pin=sha256: cannot read the server certificate",
                      ErrorCause::tls_certificate);
    }
    if (got != o.cert_sha256) {
      return error_at(url, ErrorKind::protocol,
                      fmt::format("server certificate SHA-256 {} does not match the pinned {}",
                                  with_colons(got), with_colons(o.cert_sha256)),
                      ErrorCause::tls_pin_mismatch);
    }
  }
  // After the pin check: nothing is read from a server that has not been trusted yet.
  if (tls_only) {
    t->capa_known_ = true;
    t->known_capa_ = *o.known_capa;
    if (t->trace_) t->trace_->note("CAPA not sent: the server's list from earlier is used");
    auto greeted = t->read_greeting(std::chrono::steady_clock::now() + o.connect_timeout);
    if (!greeted) return greeted.error();
  }
  return t;
}

CurlTransport::~CurlTransport() {
  if (easy_ != nullptr) curl_easy_cleanup(as_curl(easy_));
}

Result<void> CurlTransport::wait(bool for_write, Deadline deadline) {
  curl_socket_t fd = CURL_SOCKET_BAD;
  if (curl_easy_getinfo(as_curl(easy_), CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK ||
      fd == CURL_SOCKET_BAD) {
    return error_at(peer_, ErrorKind::unavailable, "connection lost", ErrorCause::closed);
  }
  // ACK what arrives at once instead of after the delayed-ACK timer (40 ms on Linux): a
  // server that writes two small replies in a row (Dovecot: USER's +OK from pop3-login, then
  // PASS's +OK from the mail process) holds the second under Nagle until the first is ACKed,
  // and since nothing is sent ahead of the login's reply, that wait would be ours. Linux drops
  // the flag again by itself, so it is set before every wait for data; best effort.
  if (!for_write) {
    const int on = 1;
    (void)::setsockopt(static_cast<int>(fd), IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
  }
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return error_at(
          peer_, ErrorKind::temporary,
          for_write ? "timed out sending to the server" : "timed out waiting for the server",
          ErrorCause::timeout);
    }
    pollfd p{fd, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 60'000)));
    if (n > 0) return {};
    if (n < 0 && errno != EINTR) {
      return error_at(peer_, ErrorKind::unavailable,
                      fmt::format("poll: {}", std::generic_category().message(errno)));
    }
  }
}

Result<void> CurlTransport::send(std::string_view bytes, Deadline deadline) {
  while (!bytes.empty()) {
    std::size_t sent = 0;
    CURLcode rc = curl_easy_send(as_curl(easy_), bytes.data(), bytes.size(), &sent);
    if (rc == CURLE_OK) {
      if (trace_) trace_->sent(bytes.substr(0, sent));
      bytes.remove_prefix(sent);
      continue;
    }
    if (rc != CURLE_AGAIN) {
      return error_at(peer_, ErrorKind::unavailable,
                      fmt::format("send: {}", curl_easy_strerror(rc)), ErrorCause::closed);
    }
    if (auto w = wait(true, deadline); !w) return w.error();
  }
  return {};
}

// The greeting, when libcurl did not read it: one line, "+OK ...", as libcurl would demand.
Result<void> CurlTransport::read_greeting(Deadline deadline) {
  std::string got;
  std::array<char, 512> chunk{};
  std::size_t end = std::string::npos;
  while ((end = got.find('\n')) == std::string::npos) {
    if (got.size() > ConnectLines::kMaxBytes)
      return error_at(peer_, ErrorKind::protocol, "greeting or CAPA reply too long");
    auto n = recv(chunk, deadline);
    if (!n) return n.error();
    if (*n == 0) {
      return error_at(peer_, ErrorKind::unavailable,
                      "connect: the server closed the connection before its greeting",
                      ErrorCause::closed);
    }
    got.append(chunk.data(), *n);
  }
  pending_ = got.substr(end + 1);
  got.resize(end + 1);
  (void)lines_.add(got);
  const std::string& greeting = lines_.greeting();
  if (greeting.rfind("+OK", 0) != 0) {
    Error e = error_at(peer_, ErrorKind::protocol, "connect: the server's greeting is not +OK");
    e.reply = greeting;
    return e;
  }
  return {};
}

Result<std::size_t> CurlTransport::recv(std::span<char> buffer, Deadline deadline) {
  if (!pending_.empty()) {
    const std::size_t n = std::min(buffer.size(), pending_.size());
    std::copy_n(pending_.begin(), n, buffer.begin());
    pending_.erase(0, n);
    return n;
  }
  for (;;) {
    // Ask curl first: TLS may hold decrypted bytes while the socket itself is quiet.
    std::size_t got = 0;
    CURLcode rc = curl_easy_recv(as_curl(easy_), buffer.data(), buffer.size(), &got);
    if (rc == CURLE_OK) {
      if (trace_) trace_->received(std::string_view(buffer.data(), got));
      return got;
    }
    if (rc != CURLE_AGAIN) {
      return error_at(peer_, ErrorKind::unavailable,
                      fmt::format("recv: {}", curl_easy_strerror(rc)), ErrorCause::closed);
    }
    if (auto w = wait(false, deadline); !w) return w.error();
  }
}

}  // namespace psyncd::pop3
