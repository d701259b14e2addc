#include <unistd.h>

#include <catch2/catch.hpp>

#include "pop3d/mailbox_scan.hpp"
#include "pop3d/maildir_mailbox.hpp"
#include "tests/support/pop3d_fixture.hpp"

using namespace psyncd;
using namespace psyncd::pop3d;

TEST_CASE("mailbox scan: names give UIDL and size") {
  struct Case {
    const char* name;
    const char* file;
    std::optional<std::uint64_t> size;
    const char* uidl;
  };
  const Case cases[] = {
      {"our stored name", "1700000000.12.host,S=4096,W=4096", 4096, "1700000000.12.host,S=4096,W=4096"},
      {"Dovecot: W differs from S", "1.M2P3.host,S=100,W=104:2,S", 104, "1.M2P3.host,S=100,W=104"},
      {"no suffix", "1.xmail.file", std::nullopt, "1.xmail.file"},
      {"bad W", "1.host,W=12x", std::nullopt, "1.host,W=12x"},
      {"W before another field", "1.host,W=7,X=1", 7, "1.host,W=7,X=1"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      CHECK(wire_size_from_name(c.file) == c.size);
      CHECK(uidl_from_name(c.file) == c.uidl);
    }
  }
  SECTION("a name too long for RFC 1939 gets an MD5 UIDL") {
    const std::string long_name(80, 'a');
    const std::string u = uidl_from_name(long_name);
    CHECK(u.size() == 32);
    CHECK(u == uidl_from_name(long_name));  // stable
  }
}

TEST_CASE("mailbox scan: lists new/ (+cur/), sorted, skips dot files and directories") {
  test::Pop3dRoot root;
  root.add_user("alice", "pw");
  root.add_message("alice", "b.host,S=5,W=5", "bbb\r\n");
  root.add_message("alice", "a.host", "x\ny\r\nz\n");  // bare LFs: 7 bytes + 2
  root.add_message("alice", ".hidden", "zzz");
  root.add_message("alice", "c.host:2,S", "c\r\n", "cur");
  auto only_new = scan_mailbox({root.maildir("alice")});
  REQUIRE(only_new);
  REQUIRE(only_new->size() == 2);
  CHECK((*only_new)[0].uidl == "a.host");
  CHECK((*only_new)[0].size == 9);
  CHECK((*only_new)[1].uidl == "b.host,S=5,W=5");
  CHECK((*only_new)[1].size == 5);
  auto both = scan_mailbox({root.maildir("alice"), root.maildir("alice", "cur"), "/nonexistent"});
  REQUIRE(both);
  REQUIRE(both->size() == 3);
  CHECK((*both)[2].uidl == "c.host");
  CHECK((*both)[2].size == 3);
}

TEST_CASE("wire_size_of_file counts LF without CR across read chunks") {
  test::TempDir dir;
  std::string data(16384 - 1, 'a');
  data += "\r\n\n";  // the CR ends the first 16 KiB read: the LF after it is not bare
  dir.write("m", data);
  auto size = wire_size_of_file(dir / "m");
  REQUIRE(size);
  CHECK(*size == data.size() + 1);
  CHECK_FALSE(wire_size_of_file(dir / "missing"));
}

TEST_CASE("MaildirMailbox: reads at offsets, removes at QUIT, holds the lock") {
  test::Pop3dRoot root;
  root.add_user("alice", "pw");
  root.add_message("alice", "1.host", "hello world\r\n");
  root.add_message("alice", "2.host", "second\r\n");
  const std::string locks = root.path() + "/pop3locks";
  auto lock = MailboxLock::acquire(locks, "alice@example.test");
  REQUIRE(lock);
  auto list = scan_mailbox({root.maildir("alice")});
  REQUIRE(list);
  MaildirMailbox mb(std::move(*list), std::move(*lock));
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
