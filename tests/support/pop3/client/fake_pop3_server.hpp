// FakePop3Server: a scripted POP3 peer for client tests. It listens on 127.0.0.1:0, accepts
// one connection (or several in turn) in its own thread and plays a list of steps: send bytes,
// expect exact bytes (or lose what follows them, as at a login hand-over), pause, switch to TLS
// (self-signed, made in memory), flood endless data, or drop the connection. What the client sent
// and the first script mismatch are kept for asserts. Also RecordingSink, a MessageSink that keeps
// each message in memory (tests only). Not a POP3 server: it does not parse commands; the script is
// the whole behaviour.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pop3/client/session.hpp"

namespace psyncd::test {

struct FakeStep {
  enum class Kind { send, expect, hand_over, pause, tls, flood, close, expect_close };
  Kind kind = Kind::send;
  std::string bytes;         // send: what to write; expect: what must arrive; flood: pattern
  std::uint64_t number = 0;  // pause: milliseconds; flood: total bytes (0 = until refused)
};

// Builders, so scripts read like transcripts.
FakeStep say(std::string bytes);     // server → client
FakeStep expect(std::string bytes);  // client → server, exactly these bytes
// Like expect, but read as a login process that hands the connection to another at login
// does (Courier's pop3login): whole reads, and whatever came behind `bytes` is lost.
FakeStep hand_over(std::string bytes);
FakeStep pause_ms(std::uint64_t ms);
FakeStep start_tls();  // TLS server handshake on the socket
FakeStep flood(std::string pattern, std::uint64_t total = 0);
FakeStep drop();          // close the connection now
FakeStep expect_close();  // the client must close (EOF) within 5 s

class FakePop3Server {
 public:
  explicit FakePop3Server(std::vector<FakeStep> script);
  // One script per connection, accepted one after another (reconnects, retries).
  using Sessions = std::vector<std::vector<FakeStep>>;
  explicit FakePop3Server(Sessions sessions);
  ~FakePop3Server();
  FakePop3Server(const FakePop3Server&) = delete;
  FakePop3Server& operator=(const FakePop3Server&) = delete;

  std::uint16_t port() const { return port_; }
  // Waits for the script to end (or the client to go); returns "" when every step passed,
  // else what went wrong at which step.
  std::string finish();
  // The pin of the fake's TLS key, in CURLOPT_PINNEDPUBLICKEY form.
  static std::string tls_pin();
  // The SHA-256 of its certificate, 64 lowercase hex digits (what Pin=sha256: names).
  static std::string tls_cert_sha256();
  // Everything the client sent so far (decrypted).
  std::string received() const;

 private:
  void run();
  bool play(const FakeStep& step, const std::string& where);
  void end_connection(bool last);
  bool write_all(std::string_view bytes);
  long read_some(char* buf, std::size_t size, int timeout_ms);
  void set_failure(std::string text);

  Sessions sessions_;
  int listen_fd_ = -1;
  int fd_ = -1;
  void* ssl_ = nullptr;  // SSL*
  std::uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::string received_;
  std::string failure_;
  bool finished_ = false;
};

// Keeps every message whole in memory, with a log of sink calls, for asserts.
class RecordingSink : public pop3::MessageSink {
 public:
  Result<void> begin(std::uint32_t number) override;
  Result<void> data(std::string_view chunk) override;
  Result<void> end(std::uint32_t number) override;
  void refused(std::uint32_t number, const pop3::Reply& reply) override;

  std::map<std::uint32_t, std::string> messages;  // complete messages only
  std::vector<std::string> calls;                 // "begin 1", "end 1", "refused 2 text"
  std::size_t chunks = 0;
  std::size_t max_chunk = 0;
  int fail_at_data = -1;  // fail the n-th data() call (0-based), -1 = never

 private:
  std::uint32_t current_ = 0;
  std::string body_;
  int data_calls_ = 0;
};

}  // namespace psyncd::test
