#include "pop3d/auth.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "common/fs.hpp"
#include "pop3d/account_db.hpp"
#include "tests/support/pop3d/pop3d_fixture.hpp"

using namespace psyncd;
using namespace psyncd::pop3d;
using pop3::AuthStatus;

namespace {

std::string text_of(const std::string& path) {
  auto t = fs::read_file(path);
  return t ? *t : std::string("<missing>");
}

struct Fixture {
  Fixture() {
    root.add_user("alice", "secret");
    root.add_user("off", "pw", "\"PopEnable\"\t\"0\"\n");
    root.add_user("fenced", "pw", "\"PopEnable\"\t\"1\"\n");
    root.write("domains/example.test/fenced/pop3.ipmap.tab", "\"10.0.0.0/8\"\t\"DENY\"\t1\n");
    root.write("mailusers.tab", root_users() + "\"example.test\"\t\"list\"\t\"" +
                                    std::string("0b0c16") + "\"\t99\t\"list\"\t\"M\"\n");
  }
  std::string root_users() { return text_of(root.path() + "/mailusers.tab"); }
  test::Pop3dRoot root;
  AccountDb db{spool::MailRoot(root.path())};
};

}  // namespace

TEST_CASE("Pop3Auth: verify_password") {
  Fixture f;
  struct Case {
    const char* name;
    const char* ip;
    const char* user;
    const char* password;
    AuthStatus status;
    const char* canonical;
    const char* reason;
  };
  const Case cases[] = {
      {"user@domain", "10.0.0.1", "alice@example.test", "secret", AuthStatus::ok,
       "alice@example.test", ""},
      {"user%domain, case-insensitive", "10.0.0.1", "ALICE%Example.Test", "secret", AuthStatus::ok,
       "alice@example.test", ""},
      {"user:domain", "10.0.0.1", "alice:example.test", "secret", AuthStatus::ok,
       "alice@example.test", ""},
      {"bare name through RootDomain", "10.0.0.1", "alice", "secret", AuthStatus::ok,
       "alice@example.test", ""},
      {"wrong password", "10.0.0.1", "alice", "Secret", AuthStatus::bad_credentials, "",
       "wrong password for alice@example.test"},
      {"unknown user", "10.0.0.1", "bob", "secret", AuthStatus::bad_credentials, "",
       "unknown account bob@example.test"},
      {"unknown domain", "10.0.0.1", "alice@other.test", "secret", AuthStatus::bad_credentials, "",
       "unknown account alice@other.test"},
      {"mailing list logs in, as in XMail", "10.0.0.1", "list", "nis", AuthStatus::ok,
       "list@example.test", ""},
      {"mailing list, wrong password", "10.0.0.1", "list", "nop", AuthStatus::bad_credentials, "",
       "wrong password for list@example.test"},
      {"PopEnable 0", "10.0.0.1", "off", "pw", AuthStatus::disabled, "off@example.test",
       "PopEnable is 0 in user.tab"},
      {"PopEnable 0 hidden behind a wrong password", "10.0.0.1", "off", "bad",
       AuthStatus::bad_credentials, "", "wrong password for off@example.test"},
      {"per-user ipmap denies", "10.9.9.9", "fenced", "pw", AuthStatus::disabled,
       "fenced@example.test", "client IP denied by the account's pop3.ipmap.tab"},
      {"per-user ipmap allows others", "192.0.2.1", "fenced", "pw", AuthStatus::ok,
       "fenced@example.test", ""},
      {"malformed login", "10.0.0.1", "@example.test", "x", AuthStatus::bad_credentials, "",
       "malformed login name"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      Pop3Auth auth(f.db, c.ip);
      auto got = auth.verify_password(c.user, c.password);
      CHECK(got.status == c.status);
      CHECK(got.user == c.canonical);
      CHECK(got.reason == c.reason);
    }
  }
}

TEST_CASE("Pop3Auth: POP3Domain is preferred to RootDomain; no domain at all refuses bare names") {
  Fixture f;
  f.root.write("server.tab", "\"RootDomain\"\t\"other.test\"\n\"POP3Domain\"\t\"example.test\"\n");
  Pop3Auth auth(f.db, "127.0.0.1");
  CHECK(auth.verify_password("alice", "secret").status == AuthStatus::ok);
  f.root.write("server.tab", "\"SomethingElse\"\t\"1\"\n\n\n");
  auto got = auth.verify_password("alice", "secret");
  CHECK(got.status == AuthStatus::bad_credentials);
  CHECK(got.reason == "no domain given and server.tab has no POP3Domain or RootDomain");
}

TEST_CASE("Pop3Auth: lookup_secret gives the password also for disabled accounts") {
  Fixture f;
  Pop3Auth auth(f.db, "10.0.0.1");
  auto ok = auth.lookup_secret("alice");
  CHECK(ok.status == AuthStatus::ok);
  CHECK(ok.secret == "secret");
  auto off = auth.lookup_secret("off");
  CHECK(off.status == AuthStatus::disabled);
  CHECK(off.secret == "pw");
  CHECK(auth.lookup_secret("nobody").status == AuthStatus::bad_credentials);
}

TEST_CASE("Pop3Auth: open_mailbox takes the XMail lock; a second open is [IN-USE]") {
  Fixture f;
  f.root.add_message("alice", "2.host,S=5,W=5", "two\r\n");
  f.root.add_message("alice", "1.host,S=5,W=5", "one\r\n");
  Pop3Auth auth(f.db, "10.0.0.1");
  const std::string lock = f.root.path() + "/pop3locks/alice@example.test.lock";
  {
    auto opened = auth.open_mailbox("alice@example.test");
    REQUIRE(opened.status == AuthStatus::ok);
    REQUIRE(opened.mailbox);
    CHECK(opened.mailbox->count() == 2);
    CHECK(opened.mailbox->uidl(0) == "1.host,S=5,W=5");
    CHECK(text_of(lock) == std::to_string(::getpid()) + "\n");
    auto second = auth.open_mailbox("alice@example.test");
    CHECK(second.status == AuthStatus::locked);
    CHECK_FALSE(second.mailbox);
  }
  CHECK(::access(lock.c_str(), F_OK) != 0);  // released with the view
  CHECK(auth.open_mailbox("alice@example.test").status == AuthStatus::ok);
}

TEST_CASE("Pop3Auth: a stale lock (owner gone) is recovered, a live or foreign one is not") {
  Fixture f;
  Pop3Auth auth(f.db, "10.0.0.1");
  const std::string rel = "pop3locks/alice@example.test.lock";
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);  // a pid that is certainly gone
  f.root.write(rel, std::to_string(child) + "\n");
  CHECK(auth.open_mailbox("alice").status == AuthStatus::ok);

  f.root.write(rel, "1\n");  // pid 1 is alive
  CHECK(auth.open_mailbox("alice").status == AuthStatus::locked);
  f.root.write(rel, std::string("12345678\0", 9));  // XMail's thread id + NUL: not ours to judge
  CHECK(auth.open_mailbox("alice").status == AuthStatus::locked);
  f.root.write(rel, std::to_string(::getpid()) + "\n");  // our pid, but we do not hold it
  CHECK(auth.open_mailbox("alice").status == AuthStatus::ok);
}

TEST_CASE("Pop3Auth: open_mailbox after a good login uses what the login found") {
  Fixture f;
  f.root.add_message("alice", "1.host,S=5,W=5", "one\r\n");
  f.root.add_message("alice", "2.host:2,S", "two\r\n", "cur");
  f.root.write("domains/example.test/alice/user.tab", "\"Pop3ScanCur\"\t\"1\"\n");
  Pop3Auth auth(f.db, "10.0.0.1");
  const auto login = auth.verify_password("alice", "secret");
  REQUIRE(login.status == AuthStatus::ok);
  REQUIRE(login.user == "alice@example.test");
  // user.tab changing between PASS and the mailbox opening (same call chain in the session)
  // does not matter: the login's reading of it (Pop3ScanCur 1) is used.
  f.root.write("domains/example.test/alice/user.tab", "\"Pop3ScanCur\"\t\"0\"\n");
  {
    auto opened = auth.open_mailbox(login.user);
    REQUIRE(opened.mailbox);
    CHECK(opened.mailbox->count() == 2);
  }
  // Another account, never verified here: looked up afresh, with the lookup's reason.
  auto unknown = auth.open_mailbox("nobody@example.test");
  CHECK(unknown.status == AuthStatus::temporary);
  CHECK(unknown.reason == "unknown account nobody@example.test");
  // A failed check forgets the admitted account.
  CHECK(auth.verify_password("off", "pw").status == AuthStatus::disabled);
  auto again = auth.open_mailbox(login.user);
  REQUIRE(again.mailbox);
  CHECK(again.mailbox->count() == 1);  // user.tab read afresh: Pop3ScanCur is 0 now
}
