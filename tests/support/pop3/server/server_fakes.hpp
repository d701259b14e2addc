// In-memory fakes for the server session tests: a MailboxView over strings (with read-size
// and failure injection) and an Authenticator over a small account table, plus a transcript
// runner that feeds input whole or in small pieces and answers the session's events.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "pop3/dot_codec.hpp"
#include "pop3/server/session.hpp"

namespace psyncd::pop3::test {

struct FakeMessage {
  std::string uidl;
  std::string stored;  // bytes as on disk (may use bare LF)
};

class FakeMailbox : public MailboxView {
 public:
  explicit FakeMailbox(std::vector<FakeMessage> messages) : messages_(std::move(messages)) {
    for (const auto& m : messages_) {
      DotEncoder e(EncoderInput::wire_form);
      std::string sink;
      e.encode(m.stored, sink);
      e.finish(sink);
      sizes_.push_back(e.message_octets());
    }
  }
  std::size_t count() const override { return messages_.size(); }
  std::uint64_t size(std::size_t index) const override { return sizes_[index]; }
  std::string_view uidl(std::size_t index) const override { return messages_[index].uidl; }
  Result<std::size_t> read(std::size_t index, std::uint64_t offset, std::span<char> buf) override {
    ++reads;
    if (fail_index == index && offset >= fail_offset) {
      return make_error(fail_kind, "injected read failure");
    }
    const std::string& s = messages_[index].stored;
    if (offset >= s.size()) return std::size_t{0};
    const std::size_t n = std::min<std::size_t>({buf.size(), max_read, s.size() - offset});
    s.copy(buf.data(), n, offset);
    return n;
  }
  Result<void> remove(const std::vector<std::size_t>& indexes) override {
    removed.insert(removed.end(), indexes.begin(), indexes.end());
    return {};
  }
  void release() override { released = true; }

  std::size_t max_read = 1 << 20;
  std::size_t fail_index = static_cast<std::size_t>(-1);
  std::uint64_t fail_offset = 0;
  ErrorKind fail_kind = ErrorKind::io;  // auth: "not a regular file" (pop3d's open_regular)
  int reads = 0;
  std::vector<std::size_t> removed;  // what remove() was given
  bool released = false;

 private:
  std::vector<FakeMessage> messages_;
  std::vector<std::uint64_t> sizes_;
};

struct FakeAccount {
  std::string password;
  AuthStatus status = AuthStatus::ok;  // disabled / temporary, as the back end would say
  bool locked = false;
  bool open_fails = false;
};

class FakeAuth : public Authenticator {
 public:
  AuthOutcome verify_password(std::string_view user, std::string_view password) override {
    auto it = accounts.find(std::string(user));
    if (it == accounts.end()) return {AuthStatus::bad_credentials, {}, "no such user"};
    if (it->second.status == AuthStatus::temporary) return {AuthStatus::temporary, {}, "db down"};
    if (it->second.password != password) return {AuthStatus::bad_credentials, {}, "wrong password"};
    if (it->second.status == AuthStatus::disabled) return {AuthStatus::disabled, {}, "PopEnable 0"};
    return {AuthStatus::ok, it->first + "@example.test", {}};
  }
  SecretLookup lookup_secret(std::string_view user) override {
    auto it = accounts.find(std::string(user));
    if (it == accounts.end()) return {AuthStatus::bad_credentials, {}, {}, "no such user"};
    if (it->second.status == AuthStatus::temporary)
      return {AuthStatus::temporary, {}, {}, "db down"};
    return {it->second.status, it->first + "@example.test", it->second.password,
            it->second.status == AuthStatus::disabled ? "PopEnable 0" : ""};
  }
  MailboxOpen open_mailbox(std::string_view user) override {
    opened.emplace_back(user);
    const std::string name(user.substr(0, user.find('@')));
    const auto& acct = accounts.at(name);
    if (acct.locked) return {AuthStatus::locked, nullptr, "lock file exists"};
    if (acct.open_fails) return {AuthStatus::temporary, nullptr, "cannot list Maildir"};
    auto box = std::make_unique<FakeMailbox>(messages);
    box->max_read = max_read;
    box->fail_index = fail_index;
    box->fail_offset = fail_offset;
    box->fail_kind = fail_kind;
    last_box = box.get();
    return {AuthStatus::ok, std::move(box), {}};
  }

  std::map<std::string, FakeAccount> accounts;
  std::vector<FakeMessage> messages;
  std::size_t max_read = 1 << 20;
  std::size_t fail_index = static_cast<std::size_t>(-1);
  std::uint64_t fail_offset = 0;
  ErrorKind fail_kind = ErrorKind::io;
  std::vector<std::string> opened;
  FakeMailbox* last_box = nullptr;
};

// The accounts and mailbox most session tests use: alice/secret with two messages of 23 and
// 33 octets, bob disabled, carol locked, dave on a failing back end, erin's mailbox unopenable;
// APOP timestamp "<1.2@test>", STLS available, cleartext allowed, a fixed random source.
struct SessionFixture {
  FakeAuth auth;
  SessionConfig config;
  SessionFixture() {
    auth.accounts["alice"] = {"secret"};
    auth.accounts["bob"] = {"pw", AuthStatus::disabled};
    auth.accounts["carol"] = {"pw", AuthStatus::ok, true};
    auth.accounts["dave"] = {"pw", AuthStatus::temporary};
    auth.accounts["erin"] = {"pw", AuthStatus::ok, false, true};
    auth.messages = {{"uid-1", "Subject: one\r\n\r\nHello\r\n"},
                     {"uid-2", "Subject: two\n\n..dot line\nbody\n"}};
    config.greeting = "ready";
    config.apop_timestamp = "<1.2@test>";
    config.cleartext_before_tls = true;
    config.tls_available = true;
    config.random = [](std::size_t n) { return std::string(n, 'A'); };
  }
};

struct Transcript {
  std::string output;
  std::vector<std::string> events;
};

// Renders an event as one line, e.g. "login_failed alice USER bad credentials: wrong password".
inline std::string render_event(const SessionEvent& e) {
  using K = SessionEvent::Kind;
  switch (e.kind) {
    case K::start_tls:
      return "start_tls";
    case K::close:
      return "close: " + e.reason;
    case K::authenticated:
      return "authenticated " + e.user + " " + e.method;
    case K::login_failed:
      return "login_failed " + e.user + " " + e.method + " " + to_string(e.status) + ": " +
             e.reason;
    case K::commit_deletions: {
      std::string out = "commit_deletions";
      for (auto i : e.deletions) out += " " + std::to_string(i);
      return out;
    }
    case K::input_discarded:
      return "input_discarded " + std::to_string(e.bytes) + ": " + e.reason;
    case K::message_unreadable:
      return "message_unreadable " + e.reason;
    case K::check_credentials:
      return "check_credentials";
  }
  return "?";
}

// Feeds `input` in pieces of `step` bytes (0 = whole), draining output after each piece and
// answering events: resume() after login_failed and check_credentials, tls_started() after
// start_tls, deletions_committed(commit_ok) after commit_deletions.
inline Transcript run_session(Session& s, const std::string& input, std::size_t step,
                              bool commit_ok = true) {
  Transcript t;
  auto drain = [&] {
    bool again = true;
    while (again) {
      again = false;
      auto out = s.pending_output();
      t.output.append(out);
      s.consume_output(out.size());
      while (auto e = s.next_event()) {
        t.events.push_back(render_event(*e));
        again = true;
        if (e->kind == SessionEvent::Kind::login_failed) s.resume();
        if (e->kind == SessionEvent::Kind::check_credentials) s.resume();
        if (e->kind == SessionEvent::Kind::start_tls) s.tls_started();
        if (e->kind == SessionEvent::Kind::commit_deletions) s.deletions_committed(commit_ok);
      }
      if (!s.pending_output().empty()) again = true;
    }
  };
  drain();
  if (step == 0) step = input.empty() ? 1 : input.size();
  for (std::size_t i = 0; i < input.size(); i += step) {
    s.receive(std::string_view(input).substr(i, step));
    drain();
  }
  return t;
}

}  // namespace psyncd::pop3::test
