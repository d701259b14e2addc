// Test fixture for the fetch engine: a temp MAIL_ROOT with one local domain (ex.test) and
// accounts joe, ann and errors, a Link pointing at a FakePop3Server, and helpers that run one
// sync and list what was delivered. Used by fetch_engine_test.cpp only.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "psync/fetch_engine.hpp"
#include "spool/domains.hpp"
#include "spool/mail_root.hpp"
#include "spool/mail_users.hpp"
#include "tests/support/common/temp_dir.hpp"
#include "tests/support/pop3/client/fake_pop3_server.hpp"

namespace psyncd::test {

class FetchFixture {
 public:
  FetchFixture();

  // A plain local link joe@ex.test <- joe/pw at 127.0.0.1:port with `authtype`.
  psync::Link link(std::uint16_t port, const std::string& authtype = "") const;
  // A '?'/'&'/'@' link: field 1 as given (e.g. "?ex.test,remote.test").
  psync::Link rewrite_link(std::uint16_t port, const std::string& field1,
                           const std::string& authtype = "") const;
  psync::LinkResult sync(const psync::Link& link);

  // Messages in domains/ex.test/<account>/Maildir/new, file contents, sorted by content.
  std::vector<std::string> delivered(const std::string& account) const;
  std::string uidb(const psync::Link& link) const;

  TempDir dir;
  spool::MailRoot root;
  spool::MailUsers users;
  spool::Domains domains;
  ManualClock clock;
  std::atomic<bool> stop{false};
  psync::FetchEnv env;
};

// Script pieces.
extern const std::string kGreeting;
extern const std::string kCapaPipe;
std::vector<FakeStep> join_steps(std::initializer_list<std::vector<FakeStep>> parts);
std::vector<FakeStep> hello_login(const std::string& capa = kCapaPipe);
// STAT/UIDL/LIST for messages with these uids and sizes.
std::vector<FakeStep> listing(const std::vector<std::pair<std::string, std::size_t>>& msgs);
std::vector<FakeStep> quit_ok();

}  // namespace psyncd::test
