// Fuzz target: arbitrary server bytes through the pure client session (ClientSession) over a
// whole fetch: login, STAT, UIDL, LIST, RETR, DELE, QUIT. Input layout:
//   byte 0      option flags (auth mode, TOP, small windows, a sink that refuses a message,
//               chunks cut at LF so a reply never runs into the next operation's)
//   bytes 1..4  chunk sizes, cycled, so the same replies arrive split in different places
//   then        the greeting line, CAPA lines up to a "." line, then the server's byte stream.
// Checks: no crash or hang (every step consumes input), a failed session carries a message,
// the sink sees begin/data/end properly nested, and nothing grows past the configured bounds.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "pop3/client/session.hpp"

namespace {

using psyncd::Result;
using psyncd::pop3::ClientSession;

constexpr std::uint64_t kMaxMessage = 1u << 16;
constexpr std::size_t kMaxItems = 64;

// Checks the order of sink calls and bounds the bytes one message may deliver.
class CheckingSink : public psyncd::pop3::MessageSink {
 public:
  explicit CheckingSink(std::uint32_t refuse) : refuse_(refuse) {}
  Result<void> begin(std::uint32_t number) override {
    if (open_) std::abort();
    if (number == refuse_) return psyncd::make_error(psyncd::ErrorKind::io, "disk full");
    open_ = true;
    current_ = number;
    bytes_ = 0;
    return {};
  }
  Result<void> data(std::string_view chunk) override {
    if (!open_ || chunk.empty()) std::abort();
    bytes_ += chunk.size();
    // The session fails a longer body before handing it over.
    if (bytes_ > kMaxMessage) std::abort();
    return {};
  }
  Result<void> end(std::uint32_t number) override {
    if (!open_ || number != current_) std::abort();
    open_ = false;
    return {};
  }
  void refused(std::uint32_t, const psyncd::pop3::Reply&) override {
    if (open_) std::abort();
  }

 private:
  std::uint32_t refuse_;
  bool open_ = false;
  std::uint32_t current_ = 0;
  std::uint64_t bytes_ = 0;
};

// Cuts the server stream into chunks whose sizes come from the input header.
class Feeder {
 public:
  Feeder(std::string_view stream, const std::uint8_t sizes[4], bool stop_at_lf)
      : stream_(stream), stop_at_lf_(stop_at_lf) {
    for (int i = 0; i < 4; ++i) sizes_[i] = static_cast<std::size_t>(sizes[i] % 97) + 1;
  }
  bool empty() const { return stream_.empty(); }
  std::string_view next() {
    std::size_t n = std::min(sizes_[turn_++ % 4], stream_.size());
    const std::size_t lf = stream_.find('\n');
    if (stop_at_lf_ && lf != std::string_view::npos) n = std::min(n, lf + 1);
    const std::string_view chunk = stream_.substr(0, n);
    stream_.remove_prefix(n);
    return chunk;
  }

 private:
  std::string_view stream_;
  bool stop_at_lf_;
  std::size_t sizes_[4];
  std::size_t turn_ = 0;
};

std::string_view take_line(std::string_view& in) {
  const std::size_t lf = in.find('\n');
  const std::string_view line = in.substr(0, lf);
  in.remove_prefix(lf == std::string_view::npos ? in.size() : lf + 1);
  return line.size() > 0 && line.back() == '\r' ? line.substr(0, line.size() - 1) : line;
}

// Runs one started operation until it ends; false when the session can go no further.
bool drive(ClientSession& s, Feeder& feeder) {
  while (s.state() == ClientSession::State::busy) {
    // Our own commands are short: a few lines per window, never the server's bytes echoed.
    if (s.take_output().size() > 64 * 1024) std::abort();
    if (feeder.empty()) {
      s.peer_closed();
      break;
    }
    s.feed(feeder.next());
  }
  (void)s.take_output();
  if (s.state() == ClientSession::State::failed && s.error().text.empty()) std::abort();
  // PSYNCD_FUZZ_TRACE=1 shows where each input ends, for writing seeds that go the distance.
  static const bool trace = std::getenv("PSYNCD_FUZZ_TRACE") != nullptr;
  if (trace && s.state() != ClientSession::State::idle) {
    std::fprintf(stderr, "state %d: %s\n", static_cast<int>(s.state()),
                 s.error().to_string().c_str());
  }
  return s.state() == ClientSession::State::idle;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 5) return 0;
  const std::uint8_t flags = data[0];
  std::string_view in(reinterpret_cast<const char*>(data) + 5, size - 5);

  psyncd::pop3::ClientOptions opt;
  opt.user = "joe";
  opt.password = "secret";
  opt.auth = static_cast<psyncd::pop3::AuthMode>(flags & 3u);
  opt.sasl_mechanism = (flags & 0x40u) ? "CRAM-MD5" : "";
  opt.peer = "fuzz:110";
  opt.max_line = 512;
  opt.limits.max_messages = 1000;
  opt.limits.max_uid = 70;
  opt.window_count = (flags & 0x08u) ? 2 : 128;
  opt.window_bytes = (flags & 0x10u) ? 100 : 2u << 20;
  opt.max_message_bytes = kMaxMessage;
  opt.retr_via_top = (flags & 0x04u) != 0;

  const std::string greeting(take_line(in));
  std::vector<std::string> capa;
  while (!in.empty() && capa.size() < 32) {
    const std::string_view line = take_line(in);
    if (line == ".") break;
    capa.emplace_back(line);
  }

  ClientSession s(opt, greeting, capa);
  Feeder feeder(in, data + 1, (flags & 0x80u) != 0);
  CheckingSink sink((flags & 0x20u) ? 2 : 0);

  s.login();
  if (!drive(s, feeder)) return 0;
  s.stat();
  if (!drive(s, feeder)) return 0;
  if (s.stat_result().count > opt.limits.max_messages) std::abort();
  s.uidl();
  if (!drive(s, feeder)) return 0;
  if (s.uidl_result().size() > opt.limits.max_messages) std::abort();
  s.list();
  if (!drive(s, feeder)) return 0;
  if (s.list_result().size() > s.stat_result().count) std::abort();

  std::vector<psyncd::pop3::FetchItem> items;
  std::vector<std::uint32_t> numbers;
  for (const auto& e : s.list_result()) {
    if (items.size() == kMaxItems) break;
    items.push_back({e.number, e.octets});
    numbers.push_back(e.number);
  }
  s.retrieve(items, sink);
  if (!drive(s, feeder)) return 0;
  s.dele(numbers);
  if (!drive(s, feeder)) return 0;
  if (s.dele_refused().size() > numbers.size()) std::abort();
  s.quit();
  (void)drive(s, feeder);
  return 0;
}
