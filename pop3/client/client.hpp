// Client: the blocking loop that drives a ClientSession over a Transport, one call per
// POP3 operation, every wait bounded by the I/O timeout (-YT). It owns no policy: which
// messages to fetch or delete, and when, is the fetch engine's business. After an error
// the connection is unusable; the caller drops it (no QUIT, so no DELE is committed).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "common/result.hpp"
#include "pop3/client/session.hpp"
#include "pop3/client/transport.hpp"

namespace psyncd::pop3 {

// STAT, UIDL and LIST of one session, taken together.
struct MaildropListing {
  Stat stat;
  std::vector<UidlEntry> uidl;  // empty when uidl_refused
  bool uidl_refused = false;
  std::vector<ListEntry> list;
};

class Client {
 public:
  Client(Transport& transport, ClientOptions options, std::chrono::milliseconds io_timeout);

  // with_listing: STAT+UIDL+LIST follow the login's +OK at once (ClientSession::login);
  // listing() then returns those results.
  Result<void> login(bool with_listing = false);
  Result<Stat> stat();
  // An empty list with uidl_refused() when the server answered -ERR.
  Result<std::vector<UidlEntry>> uidl();
  bool uidl_refused() const { return session_.uidl_refused(); }
  Result<std::vector<ListEntry>> list();
  // STAT + UIDL + LIST, in one round trip when the server offers PIPELINING.
  Result<MaildropListing> listing();
  // Streams each message to `sink`; pipelined when the server offers PIPELINING.
  Result<void> retrieve(const std::vector<FetchItem>& items, MessageSink& sink);
  // Reads and writes until `done()` holds (checked after each chunk read) or the session has
  // nothing more to do; the commands the replies let into the window are sent before it
  // returns, so the server goes on sending while the caller works (the fetch engine commits
  // batch k while batch k+1 arrives). The session may still be busy afterwards.
  Result<void> run_until(const std::function<bool()>& done);
  // Reads and writes until the session has nothing more to do (after add_retrieve/add_dele).
  Result<void> finish() { return run(); }
  // Returns the numbers the server refused to mark deleted.
  Result<std::vector<std::uint32_t>> dele(const std::vector<std::uint32_t>& numbers);
  // Only a +OK to QUIT commits the deletions (RFC 1939 UPDATE state). Nothing to send when
  // a pipelined QUIT already got its +OK; a session that sent no DELE sends QUIT and does not
  // wait for the reply (one round trip less per empty maildrop).
  Result<void> quit();
  bool closed() const { return session_.state() == ClientSession::State::closed; }

  ClientSession& session() { return session_; }
  std::uint64_t bytes_received() const { return bytes_received_; }

 private:
  Result<void> run();
  Result<void> flush();  // sends what the session has queued
  Error explain_timeout(Error e) const;

  Transport& transport_;
  ClientSession session_;
  std::chrono::milliseconds io_timeout_;
  std::vector<char> buffer_;
  std::uint64_t bytes_received_ = 0;
};

}  // namespace psyncd::pop3
