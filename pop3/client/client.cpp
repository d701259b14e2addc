#include "pop3/client/client.hpp"

#include <fmt/format.h>

#include <utility>

namespace psyncd::pop3 {

namespace {

std::string duration_text(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return fmt::format("{} s", d.count() / 1000);
  return fmt::format("{} ms", d.count());
}

}  // namespace

Client::Client(Transport& transport, ClientOptions options, std::chrono::milliseconds io_timeout)
    : transport_(transport),
      session_(std::move(options), transport.greeting(), transport.capa()),
      io_timeout_(io_timeout),
      buffer_(64 * 1024) {}

Result<void> Client::run() {
  return run_until([] { return false; });
}

Result<void> Client::flush() {
  std::string out = session_.take_output();
  if (out.empty()) return {};
  return transport_.send(out, std::chrono::steady_clock::now() + io_timeout_);
}

Result<void> Client::run_until(const std::function<bool()>& done) {
  while (session_.state() == ClientSession::State::busy && !done()) {
    if (auto sent = flush(); !sent) return sent.error();
    auto got = transport_.recv(buffer_, std::chrono::steady_clock::now() + io_timeout_);
    if (!got) return explain_timeout(got.error());
    if (*got == 0) {
      session_.peer_closed();
    } else {
      bytes_received_ += *got;
      session_.feed(std::string_view(buffer_.data(), *got));
    }
  }
  if (session_.state() == ClientSession::State::failed) return session_.error();
  return flush();
}

// A server that accepted the login and then sent nothing at all has stopped answering (e.g.
// its login process lost the commands that followed the login): said so, instead of the
// transport's "timed out", which reads as a slow network that a longer -YT would cure.
Error Client::explain_timeout(Error e) const {
  if (e.kind != ErrorKind::temporary || !session_.logged_in() || session_.heard_since_login())
    return e;
  e.field = session_.awaiting();
  e.text = fmt::format(
      "the server accepted the login, then sent nothing for {}: it stopped answering after the "
      "login",
      duration_text(io_timeout_));
  e.cause = ErrorCause::silent_after_login;
  return e;
}

Result<void> Client::login(bool with_listing) {
  session_.login(with_listing);
  return run();
}

Result<Stat> Client::stat() {
  session_.stat();
  if (auto r = run(); !r) return r.error();
  return session_.stat_result();
}

Result<std::vector<UidlEntry>> Client::uidl() {
  session_.uidl();
  if (auto r = run(); !r) return r.error();
  return std::move(session_.uidl_result());
}

Result<std::vector<ListEntry>> Client::list() {
  session_.list();
  if (auto r = run(); !r) return r.error();
  return std::move(session_.list_result());
}

Result<MaildropListing> Client::listing() {
  if (!session_.listed_with_login()) {
    session_.listing();
    if (auto r = run(); !r) return r.error();
  }
  MaildropListing m;
  m.stat = session_.stat_result();
  m.uidl = std::move(session_.uidl_result());
  m.uidl_refused = session_.uidl_refused();
  m.list = std::move(session_.list_result());
  return m;
}

Result<void> Client::retrieve(const std::vector<FetchItem>& items, MessageSink& sink) {
  session_.retrieve(items, sink);
  return run();
}

Result<std::vector<std::uint32_t>> Client::dele(const std::vector<std::uint32_t>& numbers) {
  session_.dele(numbers);
  if (auto r = run(); !r) return r.error();
  return session_.dele_refused();
}

Result<void> Client::quit() {
  if (closed()) return {};
  session_.quit_when_needed();
  if (!closed()) return run();  // DELEs wait on the +OK
  // Nothing to commit: QUIT is a courtesy, its reply is not awaited and a failure to send it
  // changes nothing.
  (void)transport_.send(session_.take_output(), std::chrono::steady_clock::now() + io_timeout_);
  return {};
}

}  // namespace psyncd::pop3
