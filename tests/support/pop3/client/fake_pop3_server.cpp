#include "tests/support/pop3/client/fake_pop3_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <string_view>

#include "common/hex.hpp"

namespace psyncd::test {

FakeStep say(std::string bytes) { return {FakeStep::Kind::send, std::move(bytes), 0}; }
FakeStep expect(std::string bytes) { return {FakeStep::Kind::expect, std::move(bytes), 0}; }
FakeStep hand_over(std::string bytes) { return {FakeStep::Kind::hand_over, std::move(bytes), 0}; }
FakeStep pause_ms(std::uint64_t ms) { return {FakeStep::Kind::pause, {}, ms}; }
FakeStep start_tls() { return {FakeStep::Kind::tls, {}, 0}; }
FakeStep flood(std::string pattern, std::uint64_t total) {
  return {FakeStep::Kind::flood, std::move(pattern), total};
}
FakeStep drop() { return {FakeStep::Kind::close, {}, 0}; }
FakeStep expect_close() { return {FakeStep::Kind::expect_close, {}, 0}; }

namespace {

constexpr int kStepTimeoutMs = 5000;

// A throw-away self-signed certificate, made in memory once per process and shared by
// every fake server (SSL_CTX is safe to share between threads for SSL_new).
struct TlsMaterial {
  SSL_CTX* ctx = nullptr;
  std::string pin;          // "sha256//<base64>" of the public key
  std::string cert_sha256;  // hex SHA-256 of the DER certificate
};

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

const TlsMaterial& tls_material() {
  static const TlsMaterial material = [] {
    TlsMaterial m;
    m.ctx = SSL_CTX_new(TLS_server_method());
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    SSL_CTX_use_certificate(m.ctx, cert);
    SSL_CTX_use_PrivateKey(m.ctx, key);
    unsigned char* der = nullptr;
    int len = i2d_PUBKEY(key, &der);
    unsigned char digest[32];
    unsigned int dlen = 0;
    EVP_Digest(der, static_cast<std::size_t>(len), digest, &dlen, EVP_sha256(), nullptr);
    OPENSSL_free(der);
    m.pin = "sha256//" + base64(digest, dlen);
    unsigned char cert_digest[EVP_MAX_MD_SIZE];
    unsigned int cert_len = 0;
    X509_digest(cert, EVP_sha256(), cert_digest, &cert_len);
    m.cert_sha256 =
        psyncd::to_hex(std::string_view(reinterpret_cast<const char*>(cert_digest), cert_len));
    X509_free(cert);
    EVP_PKEY_free(key);
    return m;
  }();
  return material;
}

}  // namespace

FakePop3Server::FakePop3Server(std::vector<FakeStep> script)
    : FakePop3Server(Sessions{std::move(script)}) {}

FakePop3Server::FakePop3Server(Sessions sessions) : sessions_(std::move(sessions)) {
  ::signal(SIGPIPE, SIG_IGN);  // SSL_write to a closed client must fail, not kill the test
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 4) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("fake POP3 server: cannot listen on 127.0.0.1:0");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
}

FakePop3Server::~FakePop3Server() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (ssl_ != nullptr) SSL_free(static_cast<SSL*>(ssl_));
  if (fd_ >= 0) ::close(fd_);
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

std::string FakePop3Server::finish() {
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  return failure_;
}

std::string FakePop3Server::tls_pin() { return tls_material().pin; }
std::string FakePop3Server::tls_cert_sha256() { return tls_material().cert_sha256; }

std::string FakePop3Server::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

void FakePop3Server::set_failure(std::string text) {
  std::lock_guard lock(mutex_);
  if (failure_.empty()) failure_ = std::move(text);
}

void FakePop3Server::run() {
  for (std::size_t c = 0; c < sessions_.size() && !stop_; ++c) {
    const std::string who = sessions_.size() > 1 ? "connection " + std::to_string(c) + ", " : "";
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, kStepTimeoutMs) <= 0) return set_failure(who + "no client connected");
    fd_ = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd_ < 0) return set_failure(who + "accept failed");
    const auto& script = sessions_[c];
    for (std::size_t i = 0; i < script.size() && !stop_; ++i) {
      if (!play(script[i], who + "step " + std::to_string(i) + ": ")) break;
    }
    end_connection(c + 1 == sessions_.size());
  }
}

// Closes our side so a client still reading sees EOF, not a hang. The last connection's
// socket stays open (shut down) until the destructor, like the single-session fake.
void FakePop3Server::end_connection(bool last) {
  if (ssl_ != nullptr) SSL_shutdown(static_cast<SSL*>(ssl_));
  ::shutdown(fd_, SHUT_RDWR);
  if (last) return;
  if (ssl_ != nullptr) SSL_free(static_cast<SSL*>(ssl_));
  ssl_ = nullptr;
  ::close(fd_);
  fd_ = -1;
}

bool FakePop3Server::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    long n;
    if (ssl_ != nullptr) {
      n = SSL_write(static_cast<SSL*>(ssl_), bytes.data(), static_cast<int>(bytes.size()));
    } else {
      n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    }
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// >0 bytes read, 0 EOF, -1 error, -2 timeout.
long FakePop3Server::read_some(char* buf, std::size_t size, int timeout_ms) {
  if (ssl_ == nullptr || SSL_pending(static_cast<SSL*>(ssl_)) == 0) {
    // Short slices so that the destructor (stop_) never waits for a whole step timeout.
    int r = 0;
    for (int waited = 0; r == 0 && waited < timeout_ms && !stop_; waited += 50) {
      pollfd p{fd_, POLLIN, 0};
      r = ::poll(&p, 1, 50);
    }
    if (r == 0) return -2;
    if (r < 0) return -1;
  }
  long n = ssl_ != nullptr ? SSL_read(static_cast<SSL*>(ssl_), buf, static_cast<int>(size))
                           : ::recv(fd_, buf, size, 0);
  if (n > 0) {
    std::lock_guard lock(mutex_);
    received_.append(buf, static_cast<std::size_t>(n));
  }
  return n < 0 ? -1 : n;
}

bool FakePop3Server::play(const FakeStep& step, const std::string& where) {
  switch (step.kind) {
    case FakeStep::Kind::send:
      if (!write_all(step.bytes)) set_failure(where + "client went away while we sent");
      return true;  // keep going: later steps may expect the close
    case FakeStep::Kind::expect:
    case FakeStep::Kind::hand_over: {
      std::string got;
      char buf[4096];
      const bool whole = step.kind == FakeStep::Kind::hand_over;
      while (got.size() < step.bytes.size()) {
        long n = read_some(
            buf, whole ? sizeof buf : std::min(sizeof buf, step.bytes.size() - got.size()),
            kStepTimeoutMs);
        if (n <= 0) {
          set_failure(where + "expected \"" + step.bytes + "\", got \"" + got + "\" then " +
                      (n == -2 ? "timeout" : "EOF"));
          return false;
        }
        got.append(buf, static_cast<std::size_t>(n));
      }
      if (whole) got.resize(step.bytes.size());  // the rest goes with the login process
      if (got != step.bytes) {
        set_failure(where + "expected \"" + step.bytes + "\", got \"" + got + "\"");
        return false;
      }
      return true;
    }
    case FakeStep::Kind::pause:
      std::this_thread::sleep_for(std::chrono::milliseconds(step.number));
      return true;
    case FakeStep::Kind::tls: {
      SSL* ssl = SSL_new(tls_material().ctx);
      SSL_set_fd(ssl, fd_);
      ssl_ = ssl;
      if (SSL_accept(ssl) != 1) {
        set_failure(where + "TLS handshake failed");
        return false;
      }
      return true;
    }
    case FakeStep::Kind::flood: {
      std::uint64_t sent = 0;
      while (!stop_ && (step.number == 0 || sent < step.number)) {
        if (!write_all(step.bytes)) return false;  // the client gave up: expected
        sent += step.bytes.size();
      }
      return true;
    }
    case FakeStep::Kind::close:
      return false;
    case FakeStep::Kind::expect_close: {
      char buf[4096];
      for (;;) {
        long n = read_some(buf, sizeof buf, kStepTimeoutMs);
        if (n == 0 || n == -1) return true;
        if (n == -2) {
          set_failure(where + "the client did not close the connection");
          return false;
        }
      }
    }
  }
  return false;
}

// --- RecordingSink --------------------------------------------------------------------------

Result<void> RecordingSink::begin(std::uint32_t number) {
  calls.push_back("begin " + std::to_string(number));
  current_ = number;
  body_.clear();
  return {};
}

Result<void> RecordingSink::data(std::string_view chunk) {
  if (data_calls_++ == fail_at_data) return make_error(ErrorKind::io, "disk full (test)");
  ++chunks;
  max_chunk = std::max(max_chunk, chunk.size());
  body_.append(chunk);
  return {};
}

Result<void> RecordingSink::end(std::uint32_t number) {
  calls.push_back("end " + std::to_string(number));
  messages[number] = body_;
  return {};
}

void RecordingSink::refused(std::uint32_t number, const pop3::Reply& reply) {
  calls.push_back("refused " + std::to_string(number) + " " + reply.text);
}

}  // namespace psyncd::test
