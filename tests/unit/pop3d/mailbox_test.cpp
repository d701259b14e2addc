#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <future>
#include <map>

#include "pop3d/maildir_mailbox.hpp"
#include "tests/support/pop3d/pop3d_fixture.hpp"

using namespace psyncd;
using namespace psyncd::pop3d;

namespace {

// alice's mailbox as the server opens it: locked, listed by the store, POP3 UIDLs.
std::unique_ptr<MaildirMailbox> open_alice(const test::Pop3dRoot& root, bool scan_cur) {
  auto lock = MailboxLock::acquire(root.path() + "/pop3locks", "alice@example.test");
  REQUIRE(lock);
  auto list = spool::list_messages(root.path() + "/domains/example.test/alice",
                                   spool::MailboxFormat::maildir, scan_cur);
  REQUIRE(list);
  return std::make_unique<MaildirMailbox>(std::move(*list), std::move(*lock));
}

}  // namespace

TEST_CASE("uidl_from_name: RFC 1939 UIDLs from file names") {
  struct Case {
    const char* name;
    const char* file;
    const char* uidl;
  };
  const Case cases[] = {
      {"our stored name", "1700000000.12.host,W=4096", "1700000000.12.host,W=4096"},
      {"Maildir info dropped", "1.M2P3.host,S=100,W=104:2,S", "1.M2P3.host,S=100,W=104"},
      {"XMail name", "1.xmail.file", "1.xmail.file"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) { CHECK(uidl_from_name(c.file) == c.uidl); }
  }
  SECTION("a name too long or not printable gets a stable MD5 UIDL") {
    const std::string long_name(80, 'a');
    CHECK(uidl_from_name(long_name).size() == 32);
    CHECK(uidl_from_name(long_name) == uidl_from_name(long_name));
    CHECK(uidl_from_name("caf\xc3\xa9") == uidl_from_name("caf\xc3\xa9"));
    CHECK(uidl_from_name("caf\xc3\xa9").size() == 32);
  }
}

TEST_CASE("MaildirMailbox over list_messages: new/ (+cur/), sorted, exact sizes, POP3 UIDLs") {
  test::Pop3dRoot root;
  root.add_user("alice", "pw");
  root.add_message("alice", "b.host,W=5", "bbb\r\n");
  root.add_message("alice", "a.host", "x\ny\r\nz\n");  // bare LFs: 7 bytes + 2
  root.add_message("alice", ".hidden", "zzz");
  root.add_message("alice", "c.host:2,S", "c\r\n", "cur");
  {
    auto only_new = open_alice(root, false);
    REQUIRE(only_new->count() == 2);
    CHECK(only_new->uidl(0) == "a.host");
    CHECK(only_new->size(0) == 9);
    CHECK(only_new->uidl(1) == "b.host,W=5");
    CHECK(only_new->size(1) == 5);
  }
  auto both = open_alice(root, true);
  REQUIRE(both->count() == 3);
  CHECK(both->uidl(2) == "c.host");
  CHECK(both->size(2) == 3);
}

TEST_CASE("MaildirMailbox: reads at offsets, removes at QUIT, holds the lock") {
  test::Pop3dRoot root;
  root.add_user("alice", "pw");
  root.add_message("alice", "1.host", "hello world\r\n");
  root.add_message("alice", "2.host", "second\r\n");
  const std::string locks = root.path() + "/pop3locks";
  auto view = open_alice(root, false);
  MaildirMailbox& mb = *view;
  REQUIRE(mb.count() == 2);
  char buf[5];
  auto n = mb.read(0, 6, buf);
  REQUIRE(n);
  CHECK(std::string(buf, *n) == "world");
  n = mb.read(1, 0, buf);
  REQUIRE(n);
  CHECK(std::string(buf, *n) == "secon");
  n = mb.read(1, 8, buf);
  REQUIRE(n);
  CHECK(*n == 0);
  CHECK_FALSE(MailboxLock::acquire(locks, "alice@example.test"));
  REQUIRE(mb.remove({0}));
  CHECK(::access((root.maildir("alice") + "/1.host").c_str(), F_OK) != 0);
  CHECK(::access((root.maildir("alice") + "/2.host").c_str(), F_OK) == 0);
  REQUIRE(mb.remove({0}));  // already gone counts as deleted
  auto gone = mb.read(0, 0, buf);
  CHECK_FALSE(gone);
}

TEST_CASE("MaildirMailbox: a short read ends the message without another read") {
  test::Pop3dRoot root;
  root.add_user("alice", "pw");
  root.add_message("alice", "1.host", "hello\r\n");
  auto view = open_alice(root, false);
  MaildirMailbox& mb = *view;
  char buf[64];
  auto n = mb.read(0, 2, buf);
  REQUIRE(n);
  CHECK(std::string(buf, *n) == "llo\r\n");
  // The file is gone, yet the read at the end answers 0: it touched no file.
  REQUIRE(::unlink((root.maildir("alice") + "/1.host").c_str()) == 0);
  n = mb.read(0, 7, buf);
  REQUIRE(n);
  CHECK(*n == 0);
  // Any other offset still reads the file (and now fails).
  CHECK_FALSE(mb.read(0, 0, buf));
}

TEST_CASE("MaildirMailbox: reads messages of new/ and cur/ in turn (cached directories)") {
  test::Pop3dRoot root;
  root.add_user("alice", "pw");
  root.add_message("alice", "1.host", "one\r\n");
  root.add_message("alice", "2.host:2,S", "two\r\n", "cur");
  root.add_message("alice", "3.host", "three\r\n");
  auto view = open_alice(root, true);
  MaildirMailbox& mb = *view;
  REQUIRE(mb.count() == 3);
  const std::map<std::string, std::string> want = {
      {"1.host", "one\r\n"}, {"2.host", "two\r\n"}, {"3.host", "three\r\n"}};
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < 3; ++i) {
      char buf[64];
      auto n = mb.read(i, 0, buf);
      REQUIRE(n);
      CHECK(std::string(buf, *n) == want.at(std::string(mb.uidl(i))));
    }
  }
}

TEST_CASE("MaildirMailbox: a symlink or FIFO swapped in after the listing is refused") {
  test::Pop3dRoot root;
  root.add_user("alice", "pw");
  root.add_message("alice", "1.host", "one\r\n");
  root.add_message("alice", "2.host", "two\r\n");
  root.add_message("alice", "3.host", "three\r\n");
  const std::string secret = root.path() + "/secret";
  {
    std::FILE* f = std::fopen(secret.c_str(), "w");
    REQUIRE(f);
    std::fputs("root:hash:::\n", f);
    std::fclose(f);
  }
  auto view = open_alice(root, false);
  MaildirMailbox& mb = *view;
  REQUIRE(mb.count() == 3);
  const std::string dir = root.maildir("alice");
  // After login, the account's owner replaces message 1 by a symlink, message 2 by a FIFO.
  REQUIRE(::unlink((dir + "/1.host").c_str()) == 0);
  REQUIRE(::symlink(secret.c_str(), (dir + "/1.host").c_str()) == 0);
  REQUIRE(::unlink((dir + "/2.host").c_str()) == 0);
  REQUIRE(::mkfifo((dir + "/2.host").c_str(), 0600) == 0);
  char buf[64];
  auto link = mb.read(0, 0, buf);
  REQUIRE_FALSE(link);
  CHECK(link.error().kind == ErrorKind::auth);
  CHECK(link.error().to_string() == dir + "/1.host: is a symbolic link (not served)");
  // A FIFO without a writer would block open() for good: read in a thread, and unblock it
  // by opening the writing end if it has not answered in 5 s.
  auto fifo = std::async(std::launch::async, [&] { return mb.read(1, 0, buf); });
  if (fifo.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    const int w = ::open((dir + "/2.host").c_str(), O_WRONLY | O_NONBLOCK);
    FAIL_CHECK("reading a FIFO blocked");
    if (w >= 0) ::close(w);
  }
  auto got = fifo.get();
  REQUIRE_FALSE(got);
  CHECK(got.error().kind == ErrorKind::auth);
  CHECK(got.error().to_string() == dir + "/2.host: is a FIFO (not served)");
  // The mailbox goes on serving the others.
  auto n = mb.read(2, 0, buf);
  REQUIRE(n);
  CHECK(std::string(buf, *n) == "three\r\n");
}
