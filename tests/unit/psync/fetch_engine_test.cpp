// The fetch engine (one link's sync) against a scripted fake POP3 server: the happy path
// byte for byte, then faults (drop mid-RETR / mid-DELE / before the QUIT reply, -ERR
// [IN-USE], duplicate UIDLs, wrong counts, refused RETR, ...). Each case checks the error
// AND the store: every message delivered once, nothing deleted that was not stored, and a
// second session repairing what the first left half done.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "common/log.hpp"
#include "psync/link_lock.hpp"
#include "spool/delivery_journal.hpp"
#include "spool/uidb.hpp"
#include "tests/support/common/faulty_fs.hpp"
#include "tests/support/psync/psync_fetch_fixture.hpp"
#include "tests/support/spool/spool_fixture.hpp"

using namespace psyncd::test;  // NOLINT: test builders read like a transcript
using psyncd::psync::counts_text;
using psyncd::psync::FailureScope;
using psyncd::psync::LinkResult;

namespace {

const std::string kMsg1 = "Subject: one\r\n\r\nbody 1\r\n";
const std::string kMsg2 = "Subject: two\r\n\r\n..dot\r\n";  // stuffed on the wire
// Stored in wire form, as XMail stores it: the line ".dot" keeps its stuffing dot.
const std::string kStored2 = "Subject: two\r\n\r\n..dot\r\n";

std::string retr_reply(const std::string& wire) { return "+OK\r\n" + wire + ".\r\n"; }

std::vector<FakeStep> two_messages() {
  return listing({{"u1", kMsg1.size()}, {"u2", kMsg2.size()}});
}

std::vector<FakeStep> retr_both() {
  return {expect("RETR 1\r\nRETR 2\r\n"), say(retr_reply(kMsg1) + retr_reply(kMsg2))};
}

std::string info(const LinkResult& r) { return psyncd::psync::describe(r); }

}  // namespace

TEST_CASE("fetch: delete mode, exact transcript and store", "[psync][fetch]") {
  FetchFixture f;
  FakePop3Server server(join_steps({hello_login(),
                                    two_messages(),
                                    retr_both(),
                                    {expect("DELE 1\r\nDELE 2\r\n"), say("+OK\r\n+OK\r\n")},
                                    quit_ok()}));
  auto r = f.sync(f.link(server.port()));
  INFO(info(r));
  CHECK(r.ok);
  CHECK(r.messages == 2);
  CHECK(r.deleted == 2);
  CHECK(r.bytes == kMsg1.size() + kMsg2.size() - 1);  // message bytes, without the wire stuffing
  CHECK(server.finish() == "");
  CHECK(f.delivered("joe") == std::vector<std::string>{kMsg1, kStored2});
  CHECK(f.uidb(f.link(server.port())) == "<none>");  // delete mode keeps no seen-DB
  CHECK(std::filesystem::is_empty(f.dir / "pop3linklocks"));
}

TEST_CASE("fetch: connection dropped mid-RETR, then a clean session", "[psync][fetch]") {
  FetchFixture f;
  std::uint16_t port1;
  {
    FakePop3Server server(join_steps(
        {hello_login(),
         two_messages(),
         {expect("RETR 1\r\nRETR 2\r\n"), say(retr_reply(kMsg1) + "+OK\r\nSubject: tw"), drop()}}));
    port1 = server.port();
    auto r = f.sync(f.link(port1));
    CHECK_FALSE(r.ok);
    CHECK(r.scope == FailureScope::account);
    CHECK(r.messages == 1);
    CHECK(r.deleted == 0);
    CHECK(server.finish() == "");
  }
  CHECK(f.delivered("joe") == std::vector<std::string>{kMsg1});
  // Second session: u1 is in the journal, so it is only deleted; u2 is fetched.
  FakePop3Server server(join_steps({hello_login(),
                                    two_messages(),
                                    {expect("DELE 1\r\n"), say("+OK\r\n"), expect("RETR 2\r\n"),
                                     say(retr_reply(kMsg2)), expect("DELE 2\r\n"), say("+OK\r\n")},
                                    quit_ok()}));
  auto link = f.link(server.port());
  link.remote_spec = "127.0.0.1:" + std::to_string(port1);  // same journal as the first run
  auto r = f.sync(link);
  INFO(info(r));
  CHECK(r.ok);
  CHECK(r.messages == 1);
  CHECK(r.deleted == 2);
  CHECK(server.finish() == "");
  CHECK(f.delivered("joe") == std::vector<std::string>{kMsg1, kStored2});
}

TEST_CASE("fetch: connection dropped mid-DELE, next session only deletes", "[psync][fetch]") {
  FetchFixture f;
  std::string spec;
  {
    FakePop3Server server(join_steps({hello_login(),
                                      two_messages(),
                                      retr_both(),
                                      {expect("DELE 1\r\nDELE 2\r\n"), say("+OK\r\n"), drop()}}));
    spec = "127.0.0.1:" + std::to_string(server.port());
    auto r = f.sync(f.link(server.port()));
    CHECK_FALSE(r.ok);
    CHECK(r.messages == 2);
    CHECK(server.finish() == "");
  }
  FakePop3Server server(join_steps({hello_login(),
                                    two_messages(),
                                    {expect("DELE 1\r\nDELE 2\r\n"), say("+OK\r\n+OK\r\n")},
                                    quit_ok()}));
  auto link = f.link(server.port());
  link.remote_spec = spec;
  auto r = f.sync(link);
  INFO(info(r));
  CHECK(r.ok);
  CHECK(r.messages == 0);
  CHECK(r.deleted == 2);
  CHECK(server.finish() == "");
  CHECK(f.delivered("joe").size() == 2);
  // The QUIT went through: the journal forgets the deleted UIDLs.
  auto journal = psyncd::spool::DeliveryJournal::open(
      psyncd::fs::posix(), psyncd::spool::journal_path(f.dir.path(), spec, "joe"));
  REQUIRE(journal.ok());
  CHECK(journal->size() == 0);
}

TEST_CASE("fetch: connection dropped before the QUIT reply", "[psync][fetch]") {
  FetchFixture f;
  FakePop3Server server(join_steps(
      {hello_login(),
       two_messages(),
       retr_both(),
       {expect("DELE 1\r\nDELE 2\r\n"), say("+OK\r\n+OK\r\n"), expect("QUIT\r\n"), drop()}}));
  auto link = f.link(server.port());
  auto r = f.sync(link);
  CHECK_FALSE(r.ok);
  CHECK(r.reason().find("QUIT") != std::string::npos);
  CHECK(server.finish() == "");
  CHECK(f.delivered("joe").size() == 2);
  // Not committed by the server: the journal still knows both, so they are not fetched again.
  auto journal = psyncd::spool::DeliveryJournal::open(
      psyncd::fs::posix(), psyncd::spool::journal_path(f.dir.path(), link.remote_spec, "joe"));
  REQUIRE(journal.ok());
  CHECK(journal->is_delivered("u1"));
  CHECK(journal->is_delivered("u2"));
}

TEST_CASE("fetch: -ERR [IN-USE] at login", "[psync][fetch]") {
  FetchFixture f;
  FakePop3Server server({say(kGreeting), expect("CAPA\r\n"), say(kCapaPipe), expect("USER joe\r\n"),
                         say("+OK\r\n"), expect("PASS pw\r\n"),
                         say("-ERR [IN-USE] mailbox locked\r\n"), expect_close()});
  auto r = f.sync(f.link(server.port()));
  CHECK_FALSE(r.ok);
  CHECK(r.scope == FailureScope::account);
  CHECK(r.reason().find("IN-USE") != std::string::npos);
  // Typed: the step, the cause, and the server's words apart from ours.
  CHECK(r.step == psyncd::psync::FetchStep::auth);
  CHECK(r.error.cause == psyncd::ErrorCause::login_busy);
  CHECK(r.error.reply == "-ERR [IN-USE] mailbox locked");
  CHECK(r.error.text == "login refused");
  CHECK(server.finish() == "");
  CHECK(f.delivered("joe").empty());
}

TEST_CASE("fetch: duplicate UIDLs fail the link before any RETR", "[psync][fetch]") {
  FetchFixture f;
  FakePop3Server server(join_steps({hello_login(),
                                    {expect("STAT\r\n"), say("+OK 2 20\r\n"), expect("UIDL\r\n"),
                                     say("+OK\r\n1 same\r\n2 same\r\n.\r\n"), expect_close()}}));
  auto r = f.sync(f.link(server.port()));
  CHECK_FALSE(r.ok);
  CHECK(r.reason().find("same") != std::string::npos);
  CHECK(server.finish() == "");
  CHECK(f.delivered("joe").empty());
}

TEST_CASE("fetch: UIDL count differs from STAT", "[psync][fetch]") {
  FetchFixture f;
  FakePop3Server server(join_steps({hello_login(),
                                    {expect("STAT\r\n"), say("+OK 3 30\r\n"), expect("UIDL\r\n"),
                                     say("+OK\r\n1 a\r\n2 b\r\n.\r\n"), expect_close()}}));
  auto r = f.sync(f.link(server.port()));
  CHECK_FALSE(r.ok);
  CHECK(server.finish() == "");
  CHECK(f.delivered("joe").empty());
}

TEST_CASE("fetch: LIST number out of range", "[psync][fetch]") {
  FetchFixture f;
  FakePop3Server server(join_steps(
      {hello_login(),
       {expect("STAT\r\n"), say("+OK 1 10\r\n"), expect("UIDL\r\n"), say("+OK\r\n1 a\r\n.\r\n"),
        expect("LIST\r\n"), say("+OK\r\n7 10\r\n.\r\n"), expect_close()}}));
  auto r = f.sync(f.link(server.port()));
  CHECK_FALSE(r.ok);
  CHECK(server.finish() == "");
  CHECK(f.delivered("joe").empty());
}

TEST_CASE("fetch: a refused RETR leaves that message on the server", "[psync][fetch]") {
  FetchFixture f;
  FakePop3Server server(
      join_steps({hello_login(),
                  two_messages(),
                  {expect("RETR 1\r\nRETR 2\r\n"), say("-ERR gone\r\n" + retr_reply(kMsg2)),
                   expect("DELE 2\r\n"), say("+OK\r\n")},
                  quit_ok()}));
  auto r = f.sync(f.link(server.port()));
  INFO(info(r));
  CHECK(r.ok);
  CHECK(r.messages == 1);
  CHECK(r.not_synced == 1);
  CHECK(r.held == 1);
  CHECK(r.held_reason == "server refused RETR");
  CHECK(r.held_reply == "-ERR gone");
  CHECK(r.held_cause == psyncd::psync::HeldCause::retr_refused);
  CHECK(info(r) == "held 1: server refused RETR: \"-ERR gone\" (" + counts_text(r) + ")");
  CHECK(server.finish() == "");
  CHECK(f.delivered("joe") == std::vector<std::string>{kStored2});
}

TEST_CASE("fetch: QUIT answered -ERR fails the link", "[psync][fetch]") {
  FetchFixture f;
  FakePop3Server server(
      join_steps({hello_login(),
                  two_messages(),
                  retr_both(),
                  {expect("DELE 1\r\nDELE 2\r\n"), say("+OK\r\n+OK\r\n"), expect("QUIT\r\n"),
                   say("-ERR could not delete\r\n"), expect_close()}}));
  auto r = f.sync(f.link(server.port()));
  CHECK_FALSE(r.ok);
  CHECK(r.reason().find("could not delete") != std::string::npos);
  CHECK(server.finish() == "");
  CHECK(f.delivered("joe").size() == 2);
}

TEST_CASE("fetch: Leave keeps mail on the server and fills the seen-DB", "[psync][fetch]") {
  FetchFixture f;
  std::string spec;
  {
    FakePop3Server server(join_steps({hello_login(), two_messages(), retr_both(), quit_ok()}));
    auto link = f.link(server.port(), "Leave");
    spec = link.remote_spec;
    auto r = f.sync(link);
    INFO(info(r));
    CHECK(r.ok);
    CHECK(r.deleted == 0);
    CHECK(server.finish() == "");
    CHECK(f.uidb(link) == "u1\nu2\n");
  }
  // Second run: u1 is gone from the server, u3 is new; only u3 is fetched.
  const std::string msg3 = "Subject: three\r\n\r\n3\r\n";
  FakePop3Server server(join_steps({hello_login(),
                                    listing({{"u2", kMsg2.size()}, {"u3", msg3.size()}}),
                                    {expect("RETR 2\r\n"), say(retr_reply(msg3))},
                                    quit_ok()}));
  auto link = f.link(server.port(), "Leave");
  link.remote_spec = spec;
  auto r = f.sync(link);
  INFO(info(r));
  CHECK(r.ok);
  CHECK(r.messages == 1);
  CHECK(server.finish() == "");
  CHECK(f.uidb(link) == "u2\nu3\n");
  CHECK(f.delivered("joe").size() == 3);
}

TEST_CASE("fetch: an unchanged Leave mailbox polled again writes nothing", "[psync][fetch]") {
  FetchFixture f;
  std::string spec;
  {
    FakePop3Server server(join_steps({hello_login(), two_messages(), retr_both(), quit_ok()}));
    auto link = f.link(server.port(), "Leave");
    spec = link.remote_spec;
    REQUIRE(f.sync(link).ok);
    CHECK(server.finish() == "");
  }
  psyncd::test::FaultyFs counting;  // counts every call through the file-system seam
  f.env.fs = &counting;
  FakePop3Server server(join_steps({hello_login(), two_messages(), quit_ok()}));
  auto link = f.link(server.port(), "Leave");
  link.remote_spec = spec;
  auto r = f.sync(link);
  INFO(info(r));
  CHECK(r.ok);
  CHECK(r.messages == 0);
  CHECK(server.finish() == "");
  CHECK(counting.fsyncs() == 0);  // no journal, seen-DB or message written
  CHECK(f.uidb(link) == "u1\nu2\n");
}

TEST_CASE("fetch: Leave with UIDL refused fails and keeps the seen-DB", "[psync][fetch]") {
  FetchFixture f;
  FakePop3Server server(join_steps(
      {hello_login(),
       // LIST went out with STAT and UIDL (PIPELINING); the link then fails without QUIT.
       {expect("STAT\r\n"), say("+OK 1 10\r\n"), expect("UIDL\r\n"), say("-ERR no\r\n"),
        expect("LIST\r\n"), say("+OK\r\n1 10\r\n.\r\n"), expect_close()}}));
  auto link = f.link(server.port(), "Leave");
  f.dir.write("msgsync/127.0.0.1_" + std::to_string(server.port()) + "/joe.uidb", "old\n");
  auto r = f.sync(link);
  CHECK_FALSE(r.ok);
  CHECK(r.reason().find("does not support UIDL") != std::string::npos);
  CHECK(server.finish() == "");
  CHECK(f.uidb(link) == "old\n");  // XMail would have wiped it (docs/xmail-formats.md §8.2)
}

TEST_CASE("fetch: MaxSize skip and delete", "[psync][fetch]") {
  FetchFixture f;
  SECTION("skip: the big message is neither fetched nor deleted") {
    FakePop3Server server(join_steps(
        {hello_login(),
         listing({{"big", 5000}, {"u2", kMsg2.size()}}),
         {expect("RETR 2\r\n"), say(retr_reply(kMsg2)), expect("DELE 2\r\n"), say("+OK\r\n")},
         quit_ok()}));
    auto r = f.sync(f.link(server.port(), "MaxSize=1k"));
    INFO(info(r));
    CHECK(r.ok);
    CHECK(r.not_synced == 1);
    CHECK(r.held == 0);  // the link asked for it: not held
    CHECK(info(r).rfind("ok: ", 0) == 0);
    CHECK(server.finish() == "");
  }
  SECTION("delete: the big message is deleted unread") {
    FakePop3Server server(
        join_steps({hello_login(),
                    listing({{"big", 5000}, {"u2", kMsg2.size()}}),
                    {expect("DELE 1\r\n"), say("+OK\r\n"), expect("RETR 2\r\n"),
                     say(retr_reply(kMsg2)), expect("DELE 2\r\n"), say("+OK\r\n")},
                    quit_ok()}));
    auto r = f.sync(f.link(server.port(), "MaxSize=1k,SizeAction=delete"));
    INFO(info(r));
    CHECK(r.ok);
    CHECK(r.deleted == 2);
    CHECK(server.finish() == "");
  }
  CHECK(f.delivered("joe") == std::vector<std::string>{kStored2});
}

TEST_CASE("fetch: UseTop fetches with TOP n 99999999", "[psync][fetch]") {
  FetchFixture f;
  FakePop3Server server(join_steps(
      {hello_login(),
       listing({{"u1", kMsg1.size()}}),
       {expect("TOP 1 99999999\r\n"), say(retr_reply(kMsg1)), expect("DELE 1\r\n"), say("+OK\r\n")},
       quit_ok()}));
  auto r = f.sync(f.link(server.port(), "UseTop"));
  INFO(info(r));
  CHECK(r.ok);
  CHECK(server.finish() == "");
  CHECK(f.delivered("joe") == std::vector<std::string>{kMsg1});
}

TEST_CASE(
    "fetch: '?' link routes by header, unroutable mail stays or goes to the error "
    "account",
    "[psync][fetch]") {
  FetchFixture f;
  const std::string to_ann = "To: Ann <ann@remote.test>\r\nSubject: a\r\n\r\nhi\r\n";
  const std::string to_bob = "To: bob@remote.test\r\nSubject: b\r\n\r\nhi\r\n";
  auto steps = [&](bool dele_both) {
    return join_steps(
        {hello_login(),
         listing({{"a", to_ann.size()}, {"b", to_bob.size()}}),
         {expect("RETR 1\r\nRETR 2\r\n"), say(retr_reply(to_ann) + retr_reply(to_bob)),
          expect(dele_both ? "DELE 1\r\nDELE 2\r\n" : "DELE 1\r\n"),
          say(dele_both ? "+OK\r\n+OK\r\n" : "+OK\r\n")},
         quit_ok()});
  };
  SECTION("no error account: bob's message is left on the server") {
    FakePop3Server server(steps(false));
    auto r = f.sync(f.rewrite_link(server.port(), "?ex.test,remote.test"));
    INFO(info(r));
    CHECK(r.ok);
    CHECK(r.messages == 1);
    CHECK(r.not_synced == 1);
    CHECK(r.held == 1);
    CHECK(info(r).rfind("held 1: bob@ex.test: ", 0) == 0);
    CHECK(r.held_cause == psyncd::psync::HeldCause::unroutable);
    CHECK(server.finish() == "");
    CHECK(f.delivered("errors").empty());
  }
  SECTION("Pop3SyncErrorAccount takes it") {
    f.env.route.error_account = "errors@ex.test";
    FakePop3Server server(steps(true));
    auto r = f.sync(f.rewrite_link(server.port(), "?ex.test,remote.test"));
    INFO(info(r));
    CHECK(r.ok);
    CHECK(r.messages == 1);
    CHECK(r.held == 0);  // delivered to the error account: not held
    CHECK(server.finish() == "");
    CHECK(f.delivered("errors") == std::vector<std::string>{to_bob});
  }
  CHECK(f.delivered("ann") == std::vector<std::string>{to_ann});
}

// A '?' link without a match list and the default +Received tag: the Received line names the
// envelope sender too, and only its `for` clause is a recipient. Taken as one, the sender made
// the message wait on the server for an unknown bounce-77@ex.test (held), or gave joe a copy.
TEST_CASE(
    "fetch: '?' link without a match list takes Received's for clause, not the envelope "
    "sender",
    "[psync][fetch]") {
  FetchFixture f;
  const std::string after_semicolon =
      "Received: from mx.lists.example (mx.lists.example [192.0.2.7])\r\n"
      "\tby pop.remote.test with ESMTP id 4F3; envelope-from <bounce-77@lists.example>\r\n"
      "\tfor <ann@remote.test>; Tue, 2 Jan 2024 09:00:00 +0000\r\n"
      "To: list@lists.example\r\nSubject: a\r\n\r\nhi\r\n";
  const std::string comment =
      "Received: from mx.lists.example ([192.0.2.7]) by pop.remote.test with esmtp\r\n"
      "\t(envelope-from <joe@lists.example>) id 1rX-000 for ann@remote.test;\r\n"
      "\tTue, 2 Jan 2024 09:00:00 +0000\r\n"
      "To: list@lists.example\r\nSubject: b\r\n\r\nhi\r\n";
  FakePop3Server server(join_steps(
      {hello_login(),
       listing({{"a", after_semicolon.size()}, {"b", comment.size()}}),
       {expect("RETR 1\r\nRETR 2\r\n"), say(retr_reply(after_semicolon) + retr_reply(comment)),
        expect("DELE 1\r\nDELE 2\r\n"), say("+OK\r\n+OK\r\n")},
       quit_ok()}));
  auto r = f.sync(f.rewrite_link(server.port(), "?ex.test"));
  INFO(info(r));
  CHECK(r.ok);
  CHECK(r.messages == 2);
  CHECK(r.held == 0);
  CHECK(r.not_synced == 0);
  CHECK(server.finish() == "");
  std::vector<std::string> both = {after_semicolon, comment};
  std::sort(both.begin(), both.end());  // delivered() sorts by content
  CHECK(f.delivered("ann") == both);
  CHECK(f.delivered("joe").empty());
  CHECK(f.delivered("errors").empty());
}

TEST_CASE(
    "fetch: a message to a local and an unknown recipient stays on the server, or "
    "goes to both with the error account",
    "[psync][fetch]") {
  FetchFixture f;
  const std::string m = "To: ann@remote.test, bob@remote.test\r\n\r\nhi\r\n";
  auto steps = [&](bool dele) {
    std::vector<FakeStep> retr = {expect("RETR 1\r\n"), say(retr_reply(m))};
    if (dele) retr = join_steps({retr, {expect("DELE 1\r\n"), say("+OK\r\n")}});
    return join_steps({hello_login(), listing({{"m", m.size()}}), retr, quit_ok()});
  };
  SECTION("no error account: nobody gets it, it stays on the server") {
    FakePop3Server server(steps(false));
    auto r = f.sync(f.rewrite_link(server.port(), "?ex.test,remote.test"));
    INFO(info(r));
    CHECK(r.ok);
    CHECK(r.messages == 0);
    CHECK(r.not_synced == 1);
    CHECK(server.finish() == "");
    CHECK(f.delivered("ann").empty());
  }
  SECTION("Pop3SyncErrorAccount: ann and the error account, deleted") {
    f.env.route.error_account = "errors@ex.test";
    FakePop3Server server(steps(true));
    auto r = f.sync(f.rewrite_link(server.port(), "?ex.test,remote.test"));
    INFO(info(r));
    CHECK(r.ok);
    CHECK(r.messages == 1);
    CHECK(r.deleted == 1);
    CHECK(server.finish() == "");
    CHECK(f.delivered("ann") == std::vector<std::string>{m});
    CHECK(f.delivered("errors") == std::vector<std::string>{m});
  }
}

TEST_CASE("fetch: '@' link delivers to the fixed address, '&' appends", "[psync][fetch]") {
  FetchFixture f;
  SECTION("@") {
    FakePop3Server server(join_steps(
        {hello_login(),
         listing({{"u1", kMsg1.size()}}),
         {expect("RETR 1\r\n"), say(retr_reply(kMsg1)), expect("DELE 1\r\n"), say("+OK\r\n")},
         quit_ok()}));
    auto link = f.rewrite_link(server.port(), "@ex.test");
    link.local_account = "ann";
    auto r = f.sync(link);
    INFO(info(r));
    CHECK(r.ok);
    CHECK(server.finish() == "");
    CHECK(f.delivered("ann") == std::vector<std::string>{kMsg1});
  }
  SECTION("&") {
    f.dir.write("aliasdomain.tab", "\"remote.test.ex.test\"\t\"ex.test\"\n");
    f.domains = *psyncd::spool::Domains::load(f.root.domains_tab(), f.root.aliasdomain_tab());
    const std::string m = "Cc: ann@remote.test\r\n\r\nx\r\n";
    FakePop3Server server(join_steps(
        {hello_login(),
         listing({{"u1", m.size()}}),
         {expect("RETR 1\r\n"), say(retr_reply(m)), expect("DELE 1\r\n"), say("+OK\r\n")},
         quit_ok()}));
    auto r = f.sync(f.rewrite_link(server.port(), "&.ex.test,remote.test"));
    INFO(info(r));
    CHECK(r.ok);
    CHECK(server.finish() == "");
    CHECK(f.delivered("ann") == std::vector<std::string>{m});
  }
}

TEST_CASE("fetch: stop flag ends the sync after the batch in flight, with QUIT", "[psync][fetch]") {
  FetchFixture f;
  f.env.batch_messages = 1;
  f.stop = true;
  FakePop3Server server(join_steps(
      {hello_login(),
       two_messages(),
       {expect("RETR 1\r\n"), say(retr_reply(kMsg1)), expect("DELE 1\r\n"), say("+OK\r\n")},
       quit_ok()}));
  auto r = f.sync(f.link(server.port()));
  INFO(info(r));
  CHECK(r.ok);
  CHECK(r.messages == 1);
  CHECK(server.finish() == "");
  CHECK(f.delivered("joe") == std::vector<std::string>{kMsg1});
}

TEST_CASE("fetch: stop flag sends no RETR after the message in flight", "[psync][fetch]") {
  FetchFixture f;
  f.stop = true;  // lock-step server: RETR 1 is the only message in flight when it is seen
  FakePop3Server server(join_steps(
      {hello_login("+OK\r\nUSER\r\nUIDL\r\n.\r\n"),
       two_messages(),
       {expect("RETR 1\r\n"), say(retr_reply(kMsg1)), expect("DELE 1\r\n"), say("+OK\r\n")},
       quit_ok()}));
  auto r = f.sync(f.link(server.port()));
  INFO(info(r));
  CHECK(r.ok);
  CHECK(r.messages == 1);
  CHECK(r.deleted == 1);
  CHECK(server.finish() == "");
  CHECK(f.delivered("joe") == std::vector<std::string>{kMsg1});
}

TEST_CASE("fetch: a held link lock skips the link without connecting", "[psync][fetch]") {
  FetchFixture f;
  auto link = f.link(1);  // nothing listens there; a connection attempt would fail the link
  auto path = f.dir / ("pop3linklocks/" + psyncd::psync::lock_file_name(link));
  f.dir.write("pop3linklocks/" + psyncd::psync::lock_file_name(link),
              std::to_string(getppid()) + std::string(1, '\0'));
  auto r = f.sync(link);
  CHECK(r.skipped);
  CHECK_FALSE(r.ok);
  CHECK(std::filesystem::exists(path));  // someone else's lock is left alone
}

TEST_CASE("fetch: connection refused is a host failure", "[psync][fetch]") {
  FetchFixture f;
  std::uint16_t port;
  {
    FakePop3Server server(std::vector<FakeStep>{});
    port = server.port();
    (void)server.finish();
  }
  auto r = f.sync(f.link(port));
  CHECK_FALSE(r.ok);
  CHECK(r.scope == FailureScope::host);
  CHECK(std::filesystem::is_empty(f.dir / "pop3linklocks"));
}

TEST_CASE("fetch: KeepDays leaves mail, then deletes it once old enough", "[psync][fetch]") {
  FetchFixture f;
  std::string spec;
  {
    FakePop3Server server(join_steps({hello_login(),
                                      listing({{"u1", kMsg1.size()}}),
                                      {expect("RETR 1\r\n"), say(retr_reply(kMsg1))},
                                      quit_ok()}));
    auto link = f.link(server.port(), "KeepDays=2");
    spec = link.remote_spec;
    auto r = f.sync(link);
    INFO(info(r));
    CHECK(r.ok);
    CHECK(r.deleted == 0);
    CHECK(server.finish() == "");
  }
  auto run_again = [&](bool expect_dele) {
    auto steps = join_steps({hello_login(), listing({{"u1", kMsg1.size()}})});
    if (expect_dele) steps = join_steps({steps, {expect("DELE 1\r\n"), say("+OK\r\n")}});
    FakePop3Server server(join_steps({steps, quit_ok()}));
    auto link = f.link(server.port(), "KeepDays=2");
    link.remote_spec = spec;
    auto r = f.sync(link);
    INFO(info(r));
    CHECK(r.ok);
    CHECK(r.messages == 0);
    CHECK(server.finish() == "");
    return r.deleted;
  };
  CHECK(f.dir.read("psyncd/keepdays/joe@" + psyncd::spool::sanitize_name(spec) + ".tab") ==
        "u1\t1700000000\n");
  f.clock.advance(std::chrono::hours(47));
  CHECK(run_again(false) == 0);
  f.clock.advance(std::chrono::hours(1));
  CHECK(run_again(true) == 1);
  CHECK(f.delivered("joe") == std::vector<std::string>{kMsg1});
}

namespace {

// The real file system, except that the first temp file of a message (MAIL_ROOT/tmp/...)
// cannot be created: the disk is "full" for exactly one message.
class FirstTempFails final : public psyncd::fs::ForwardingFileSystem {
 public:
  explicit FirstTempFails(std::string tmp_dir)
      : ForwardingFileSystem(psyncd::fs::posix()), prefix_(std::move(tmp_dir) + "/") {}
  psyncd::Result<int> open(const std::string& p, int flags, unsigned mode) override {
    if (p.rfind(prefix_, 0) == 0 && !failed_) {
      failed_ = true;
      return psyncd::fs::sys_error("open", p, ENOSPC);
    }
    return inner_.open(p, flags, mode);
  }
  psyncd::Result<int> open_unnamed(const std::string& dir, unsigned mode) override {
    if ((dir + "/").rfind(prefix_, 0) == 0 && !failed_) {
      failed_ = true;
      return psyncd::fs::sys_error("open", dir, ENOSPC);
    }
    return inner_.open_unnamed(dir, mode);
  }
  bool has_syncfs() const override { return false; }  // per-file fsyncs, as on most test fs

 private:
  std::string prefix_;
  bool failed_ = false;
};

}  // namespace

TEST_CASE("fetch: a message that cannot be stored stays on the server", "[psync][fetch]") {
  FetchFixture f;
  FirstTempFails faulty(f.dir / "tmp");
  f.env.fs = &faulty;
  FakePop3Server server(join_steps({hello_login(),
                                    two_messages(),
                                    retr_both(),
                                    {expect("DELE 2\r\n"), say("+OK\r\n")},
                                    quit_ok()}));
  auto r = f.sync(f.link(server.port()));
  INFO(info(r));
  CHECK(r.ok);
  CHECK(r.messages == 1);
  CHECK(r.not_synced == 1);
  CHECK(r.deleted == 1);
  CHECK(r.held == 1);
  CHECK(r.held_cause == psyncd::psync::HeldCause::not_stored);
  CHECK(r.held_error == psyncd::ErrorCause::no_space);
  CHECK(server.finish() == "");
  CHECK(f.delivered("joe") == std::vector<std::string>{kStored2});
  auto link_tmp = f.dir / ("tmp/joe@127.0.0.1_" + std::to_string(server.port()));
  CHECK(list_names(link_tmp).empty());  // no temp file left behind
}

TEST_CASE("fetch: --xmail-handoff drops LMAIL files into spool/local", "[psync][fetch]") {
  FetchFixture f;
  f.env.route.handoff = true;
  const std::string m = "Return-Path: <s@far.test>\r\nTo: ann@remote.test\r\n\r\nx\r\n";
  FakePop3Server server(
      join_steps({hello_login(),
                  listing({{"u1", m.size()}}),
                  {expect("RETR 1\r\n"), say(retr_reply(m)), expect("DELE 1\r\n"), say("+OK\r\n")},
                  quit_ok()}));
  auto r = f.sync(f.rewrite_link(server.port(), "?ex.test,remote.test"));
  INFO(info(r));
  CHECK(r.ok);
  CHECK(server.finish() == "");
  auto files = list_names(f.dir / "spool/local");
  REQUIRE(files.size() == 1);
  CHECK(slurp(f.dir / ("spool/local/" + files[0])) ==
        "MAIL FROM:<s@far.test>\r\nRCPT TO:<ann@ex.test>\r\n\r\n" + m);
  CHECK(f.delivered("ann").empty());
}

TEST_CASE(
    "fetch: mail for the error account is counted apart, and the log has one summary line per "
    "batch",
    "[psync][fetch]") {
  FetchFixture f;
  f.env.route.error_account = "errors@ex.test";
  const std::string lost = "To: bob@remote.test, carl@remote.test\r\n\r\nhi\r\n";
  const std::string mine = "To: ann@remote.test\r\n\r\nhi\r\n";
  FakePop3Server server(
      join_steps({hello_login(),
                  listing({{"l", lost.size()}, {"m", mine.size()}}),
                  {expect("RETR 1\r\nRETR 2\r\n"), say(retr_reply(lost) + retr_reply(mine)),
                   expect("DELE 1\r\nDELE 2\r\n"), say("+OK\r\n+OK\r\n")},
                  quit_ok()}));
  std::vector<std::pair<psyncd::log::Level, std::string>> seen;
  auto old = psyncd::log::set_sink(
      [&](psyncd::log::Level level, std::string_view m) { seen.emplace_back(level, m); });
  auto r = f.sync(f.rewrite_link(server.port(), "?ex.test,remote.test"));
  psyncd::log::set_sink(old);
  INFO(info(r));
  CHECK(r.ok);
  CHECK(r.messages == 1);
  CHECK(r.to_error_account == 1);
  CHECK(r.held == 0);
  CHECK(counts_text(r).find("1 sent to the error account, 0 held on server") != std::string::npos);
  CHECK(server.finish() == "");
  CHECK(f.delivered("errors") == std::vector<std::string>{lost});
  std::vector<std::string> batch_lines;
  for (const auto& [level, text] : seen)
    if (level >= psyncd::log::Level::info && text.find("batch") != std::string::npos)
      batch_lines.push_back(text);
  REQUIRE(batch_lines.size() == 1);
  CHECK(batch_lines[0].find(": batch of 2: 1 delivered, 1 sent to the error account, 0 held on "
                            "server") != std::string::npos);
}

namespace {

// What the engine did, in one order: bytes it sent, and the file system's links and syncfs
// calls (each logged once it returned).
struct EventLog {
  std::vector<std::string> events;
};

class LoggingTransport final : public psyncd::pop3::Transport {
 public:
  LoggingTransport(std::unique_ptr<psyncd::pop3::Transport> inner, EventLog& log)
      : inner_(std::move(inner)), log_(log) {}
  const std::string& greeting() const override { return inner_->greeting(); }
  const std::vector<std::string>& capa() const override { return inner_->capa(); }
  bool tls_active() const override { return inner_->tls_active(); }
  psyncd::Result<void> send(std::string_view bytes, psyncd::pop3::Deadline deadline) override {
    log_.events.push_back("send " + std::string(bytes));
    return inner_->send(bytes, deadline);
  }
  psyncd::Result<std::size_t> recv(std::span<char> buffer,
                                   psyncd::pop3::Deadline deadline) override {
    return inner_->recv(buffer, deadline);
  }

 private:
  std::unique_ptr<psyncd::pop3::Transport> inner_;
  EventLog& log_;
};

class LoggingFs final : public psyncd::fs::ForwardingFileSystem {
 public:
  explicit LoggingFs(EventLog& log) : ForwardingFileSystem(psyncd::fs::posix()), log_(log) {}
  psyncd::Result<void> syncfs(const std::string& path) override {
    auto r = ForwardingFileSystem::syncfs(path);
    log_.events.emplace_back("syncfs");
    return r;
  }
  psyncd::Result<void> link_fd(int fd, const std::string& to) override {
    auto r = ForwardingFileSystem::link_fd(fd, to);
    log_.events.emplace_back("link");
    return r;
  }

 private:
  EventLog& log_;
};

}  // namespace

TEST_CASE("fetch: batch k+1 is asked for before batch k commits; a DELE only once it is durable",
          "[psync][fetch]") {
  FetchFixture f;
  f.env.batch_messages = 1;  // three batches of one message
  EventLog log;
  LoggingFs fs(log);
  f.env.fs = &fs;
  f.env.connect = [inner = f.env.connect, &log](const psyncd::psync::Link& link)
      -> psyncd::Result<std::unique_ptr<psyncd::pop3::Transport>> {
    auto t = inner(link);
    if (!t) return t.error();
    std::unique_ptr<psyncd::pop3::Transport> logged =
        std::make_unique<LoggingTransport>(std::move(*t), log);
    return logged;
  };
  const std::string kMsg3 = "Subject: three\r\n\r\nbody 3\r\n";
  FakePop3Server server(join_steps(
      {hello_login(),
       listing({{"u1", kMsg1.size()}, {"u2", kMsg2.size()}, {"u3", kMsg3.size()}}),
       {expect("RETR 1\r\nRETR 2\r\n"), say(retr_reply(kMsg1) + retr_reply(kMsg2)),
        expect("DELE 1\r\nRETR 3\r\n"), say("+OK\r\n" + retr_reply(kMsg3)), expect("DELE 2\r\n"),
        say("+OK\r\n"), expect("DELE 3\r\nQUIT\r\n"), say("+OK\r\n+OK bye\r\n"), expect_close()}}));
  auto r = f.sync(f.link(server.port()));
  INFO(info(r));
  CHECK(r.ok);
  CHECK(r.messages == 3);
  CHECK(r.deleted == 3);
  CHECK(server.finish() == "");
  CHECK(f.delivered("joe") == std::vector<std::string>{kMsg1, kMsg3, kStored2});  // by content
  // A batch is durable at the first syncfs that returned after its links; DELE n (batch n)
  // must not be sent before n batches are.
  int durable = 0;
  bool linked = false;
  int deles = 0;
  for (const auto& e : log.events) {
    INFO(e);
    if (e == "link") linked = true;
    if (e == "syncfs" && linked) {
      ++durable;
      linked = false;
    }
    for (int n = 1; n <= 3; ++n) {
      if (e.rfind("send ", 0) != 0 ||
          e.find("DELE " + std::to_string(n) + "\r\n") == std::string::npos)
        continue;
      CHECK(n <= durable);
      ++deles;
    }
  }
  CHECK(deles == 3);
  // The overlap: RETR 2 was on the wire before batch 1's first sync.
  auto first_sync = std::find(log.events.begin(), log.events.end(), "syncfs");
  auto retr2 = std::find_if(log.events.begin(), log.events.end(), [](const std::string& e) {
    return e.rfind("send ", 0) == 0 && e.find("RETR 2\r\n") != std::string::npos;
  });
  CHECK(retr2 < first_sync);
}
