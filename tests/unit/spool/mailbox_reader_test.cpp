#include "spool/mailbox_reader.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>

#include "spool/delivery.hpp"
#include "tests/support/common/faulty_fs.hpp"
#include "tests/support/common/temp_dir.hpp"
#include "tests/support/spool/spool_fixture.hpp"

using namespace psyncd;
using spool::MailboxFormat;

namespace {

std::string read_all(const std::string& path) {
  auto r = spool::MessageReader::open(path);
  REQUIRE(r.ok());
  std::string out, chunk;
  for (;;) {
    auto more = r->next(chunk);
    REQUIRE(more.ok());
    out += chunk;
    if (!*more) return out;
  }
}

// A Maildir with one message of ours, one foreign bare-LF file, and things to skip.
std::string make_account(test::TempDir& dir) {
  std::string md = test::make_maildir(dir.path(), "x.org", "joe");
  auto d = spool::Delivery::begin(fs::posix(), md + "/tmp", "1700000000000.1.2.0.host");
  REQUIRE(d.ok());
  REQUIRE(d->write("Subject: ours\n\nbody\n").ok());
  REQUIRE(d->commit(md + "/new").ok());
  dir.write("domains/x.org/joe/Maildir/new/1600000000000.9.9.0.xmail", "Subject: x\n\nlf only\n");
  dir.write("domains/x.org/joe/Maildir/new/.hidden", "skip me");
  dir.write("domains/x.org/joe/Maildir/new/.keep", "");
  dir.write("domains/x.org/joe/Maildir/new/subdir/file", "not listed");
  dir.write("domains/x.org/joe/Maildir/cur/1500000000000.1.1.0.host:2,S", "old\r\n");
  return md;
}

}  // namespace

TEST_CASE("size_from_name reads the ,W= suffix") {
  struct Case {
    const char* name;
    std::string input;
    std::optional<std::uint64_t> want;
  } cases[] = {
      {"ours", "1.2.3.4.host,W=4096", 4096},
      {"dovecot with S and W and info", "1.M2P3.host,S=10,W=12:2,S", 12},
      {"W before S", "x,W=7,S=5", 7},
      {"no suffix (XMail)", "1294227600123.7f2a1c.3e8.0.mx1.example.org", std::nullopt},
      {"bad input: empty", "x,W=", std::nullopt},
      {"bad input: letters", "x,W=12a", std::nullopt},
      {"bad input: sign", "x,W=-1", std::nullopt},
      {"bad input: overflow", "x,W=99999999999999999999999", std::nullopt},
      {"W only in the info part", "x:2,W=5", std::nullopt},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(spool::size_from_name(c.input) == c.want);
  }
}

TEST_CASE("list_messages: Maildir new/ (+cur/), names as UIDLs, exact sizes") {
  test::TempDir dir;
  std::string md = make_account(dir);
  std::string account = dir / "domains/x.org/joe";
  auto list = spool::list_messages(account, MailboxFormat::maildir, false);
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].uidl == "1600000000000.9.9.0.xmail");                          // sorted by name
  CHECK((*list)[0].size == std::string("Subject: x\r\n\r\nlf only\r\n").size());  // scanned
  CHECK((*list)[1].uidl == "1700000000000.1.2.0.host,W=23");
  CHECK((*list)[1].size == 23);
  CHECK((*list)[1].path == md + "/new/1700000000000.1.2.0.host,W=23");

  auto with_cur = spool::list_messages(account, MailboxFormat::maildir, true);
  REQUIRE(with_cur.ok());
  REQUIRE(with_cur->size() == 3);
  CHECK((*with_cur)[2].uidl == "1500000000000.1.1.0.host:2,S");
  CHECK((*with_cur)[2].size == 5);

  SECTION("a missing mailbox is empty") {
    auto none = spool::list_messages(dir / "domains/x.org/nobody", MailboxFormat::maildir, true);
    REQUIRE(none.ok());
    CHECK(none->empty());
  }
}

TEST_CASE("list_messages: XMail mailbox/ format") {
  test::TempDir dir;
  dir.write("domains/x.org/ann/mailbox/m1", "a\nb");
  dir.write("domains/x.org/ann/mailbox/.m2", "hidden");
  auto list = spool::list_messages(dir / "domains/x.org/ann", MailboxFormat::mailbox, false);
  REQUIRE(list.ok());
  REQUIRE(list->size() == 1);
  CHECK((*list)[0].uidl == "m1");
  CHECK((*list)[0].size == 6);  // "a\r\nb\r\n"
}

// What the POP3 server sends for a stored file (wire form: bare CR is data, a lone "." stuffed).
static std::string as_sent(const std::string& stored) {
  return spool::normalize_crlf(stored, spool::LeadingDot::stuff_lone, spool::BareCr::data);
}

TEST_CASE("MessageReader streams the stored wire form; listed size == bytes sent") {
  test::TempDir dir;
  make_account(dir);
  auto list = spool::list_messages(dir / "domains/x.org/joe", MailboxFormat::maildir, true);
  REQUIRE(list.ok());
  for (const auto& m : *list) {
    INFO(m.uidl);
    std::string got = read_all(m.path);
    CHECK(got.size() == m.size);
    CHECK(got == as_sent(test::slurp(m.path)));
  }
  SECTION("a large bare-LF file with CRs at chunk borders") {
    std::string big;
    for (int i = 0; i < 40000; ++i) big += (i % 3 == 0) ? "line\r" : "x\n";
    dir.write("big", big);
    CHECK(read_all(dir / "big") == as_sent(big));
    CHECK(spool::scan_wire_size(dir / "big").value() == as_sent(big).size());
  }
  SECTION("a wire-form file goes out unchanged; a lone dot line of a damaged one is stuffed") {
    dir.write("wire", "..a\r\n..\r\n.b\r\n");
    CHECK(read_all(dir / "wire") == "..a\r\n..\r\n.b\r\n");
    dir.write("damaged", "a\n.\nb\n");
    CHECK(read_all(dir / "damaged") == "a\r\n..\r\nb\r\n");
    CHECK(spool::scan_wire_size(dir / "damaged").value() == 10);
  }
  SECTION("bad input: a missing file") {
    auto r = spool::MessageReader::open(dir / "gone");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().to_string() == dir / "gone" + ": cannot open: No such file or directory");
  }
  SECTION("bad input: a symlink or FIFO in a message's place is not read (nor waited on)") {
    dir.write("target", "secret\n");
    std::filesystem::create_symlink(dir / "target", dir / "link");
    REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
    auto link = spool::MessageReader::open(dir / "link");
    REQUIRE_FALSE(link.ok());
    CHECK(link.error().to_string() == dir / "link" + ": is a symbolic link (not served)");
    auto fifo = spool::scan_wire_size(dir / "fifo");  // would block for good without a writer
    REQUIRE_FALSE(fifo.ok());
    CHECK(fifo.error().to_string() == dir / "fifo" + ": is a FIFO (not served)");
  }
}

TEST_CASE("delete_messages unlinks, fsyncs each directory once, tolerates gone files") {
  test::TempDir dir;
  std::string md = make_account(dir);
  auto list = spool::list_messages(dir / "domains/x.org/joe", MailboxFormat::maildir, true);
  REQUIRE(list.ok());
  std::vector<std::string> paths;
  for (const auto& m : *list) paths.push_back(m.path);
  paths.push_back(md + "/new/already-gone");
  test::FaultyFs counting;
  REQUIRE(spool::delete_messages(counting, paths).ok());
  CHECK(counting.fsyncs() == 2);  // new/ and cur/
  CHECK(spool::list_messages(dir / "domains/x.org/joe", MailboxFormat::maildir, true)->empty());

  SECTION("an EIO is reported, the other files are still deleted") {
    std::string again = make_account(dir);
    auto l2 = spool::list_messages(dir / "domains/x.org/joe", MailboxFormat::maildir, false);
    REQUIRE(l2->size() == 2);
    test::FaultyFs faulty;
    faulty.fail_call(1, EIO);
    auto r = spool::delete_messages(faulty, {(*l2)[0].path, (*l2)[1].path});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().text == "injected failure in: Input/output error");
    CHECK(test::list_names(again + "/new") ==
          std::vector<std::string>{".hidden", ".keep", (*l2)[0].uidl, "subdir"});
  }
}
