#include "spool/delivery.hpp"

#include <catch2/catch.hpp>
#include <cerrno>

#include "tests/support/common/faulty_fs.hpp"
#include "tests/support/common/temp_dir.hpp"
#include "tests/support/spool/spool_fixture.hpp"

using namespace psyncd;

namespace {

const std::string kData = std::string(PSYNCD_SOURCE_DIR) + "/tests/data/spool/delivery/";

// Streams `message` in chunks of `chunk` bytes.
Result<void> write_chunks(spool::Delivery& d, const std::string& message, size_t chunk) {
  for (size_t i = 0; i < message.size(); i += chunk) {
    if (auto r = d.write(std::string_view(message).substr(i, chunk)); !r) return r;
  }
  return {};
}

}  // namespace

TEST_CASE("stored name carries Dovecot-style size suffixes") {
  CHECK(spool::stored_name("1.2.3.4.host", 4096) == "1.2.3.4.host,W=4096");
}

TEST_CASE(
    "delivery golden files: stored form is the wire form (CRLF, dot-stuffed), size in the name") {
  for (const char* name : {"bare_lf", "mixed", "crlf", "lone_cr", "dots"}) {
    for (size_t chunk : {size_t{1}, size_t{3}, size_t{1000}}) {
      test::TempDir dir;
      std::string md = test::make_maildir(dir.path(), "x.org", "joe");
      INFO(name << " in chunks of " << chunk);
      auto d = spool::Delivery::begin(fs::posix(), md + "/tmp", "1.2.3.4.host");
      REQUIRE(d.ok());
      REQUIRE(write_chunks(*d, test::slurp(kData + name + ".in"), chunk).ok());
      auto path = d->commit(md + "/new");
      REQUIRE(path.ok());
      std::string want = test::slurp(kData + name + ".ref");
      CHECK(test::slurp(*path) == want);
      CHECK(*path == md + "/new/" + spool::stored_name("1.2.3.4.host", want.size()));
      CHECK(test::list_names(md + "/tmp").empty());
    }
  }
}

TEST_CASE("delivery: abort and the destructor remove the temp file") {
  test::TempDir dir;
  std::string md = test::make_maildir(dir.path(), "x.org", "joe");
  test::FaultyFs named;  // a file system without O_TMPFILE: temp files have names
  named.named_temps_only();
  {
    auto d = spool::Delivery::begin(named, md + "/tmp", "n1");
    REQUIRE(d.ok());
    CHECK_FALSE(d->unnamed());
    REQUIRE(d->write("hello\n").ok());
    CHECK(test::list_names(md + "/tmp") == std::vector<std::string>{"n1"});
    d->abort();
    CHECK(test::list_names(md + "/tmp").empty());
    CHECK_FALSE(d->write("more").ok());
  }
  {
    auto d = spool::Delivery::begin(named, md + "/tmp", "n2");
    REQUIRE(d.ok());
    REQUIRE(d->stage().ok());
    spool::Delivery moved = std::move(*d);  // ownership moves, the file stays
    CHECK(test::list_names(md + "/tmp") == std::vector<std::string>{"n2"});
  }
  CHECK(test::list_names(md + "/tmp").empty());
  CHECK(test::list_names(md + "/new").empty());
  SECTION("an existing temp name is refused (O_EXCL)") {
    dir.write("domains/x.org/joe/Maildir/tmp/n3", "x");
    auto d = spool::Delivery::begin(named, md + "/tmp", "n3");
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().text == "cannot open: File exists");
  }
}

TEST_CASE("delivery: an unnamed temp file (O_TMPFILE) is never visible until committed") {
  test::TempDir dir;
  std::string md = test::make_maildir(dir.path(), "x.org", "joe");
  {
    auto d = spool::Delivery::begin(fs::posix(), md + "/tmp", "n1");
    REQUIRE(d.ok());
    REQUIRE(d->unnamed());  // ext4, tmpfs, xfs, btrfs: the file systems tests run on
    CHECK(d->journal_tmp_path().empty());
    REQUIRE(d->write("hello\n").ok());
    REQUIRE(d->stage().ok());
    spool::Delivery moved = std::move(*d);
    CHECK(test::list_names(md + "/tmp").empty());
  }  // dropped: nothing to clean up, nothing left
  CHECK(test::list_names(md + "/tmp").empty());
  CHECK(test::list_names(md + "/new").empty());
  auto d = spool::Delivery::begin(fs::posix(), md + "/tmp", "n2");
  REQUIRE(d.ok());
  REQUIRE(d->write("hello\n").ok());
  auto path = d->commit(md + "/new");
  REQUIRE(path.ok());
  CHECK(*path == md + "/new/" + spool::stored_name("n2", 7));
  CHECK(test::slurp(*path) == "hello\r\n");
  CHECK(test::list_names(md + "/tmp").empty());
  SECTION("an existing target name is never replaced") {
    auto again = spool::Delivery::begin(fs::posix(), md + "/tmp", "n2");
    REQUIRE(again.ok());
    REQUIRE(again->write("other\n").ok());
    CHECK_FALSE(again->commit(md + "/new").ok());
    CHECK(test::slurp(*path) == "hello\r\n");
  }
}

TEST_CASE("delivery: ENOSPC or EIO at every call leaves nothing half-visible") {
  const std::string message(200 * 1024, 'a');  // several flushes
  for (int err : {ENOSPC, EIO}) {
    for (long k = 1;; ++k) {
      test::TempDir dir;
      std::string md = test::make_maildir(dir.path(), "x.org", "joe");
      test::FaultyFs faulty;
      faulty.fail_call(k, err);
      Result<std::string> path = make_error(ErrorKind::internal, "not reached");
      {
        auto d = spool::Delivery::begin(faulty, md + "/tmp", "n");
        if (d.ok()) {
          auto w = write_chunks(*d, message, 7000);
          if (w.ok()) path = d->commit(md + "/new");
        }
      }
      INFO("errno " << err << " at call " << k);
      auto files = test::list_names(md + "/new");
      if (faulty.calls() < k) {  // every call succeeded: done
        REQUIRE(path.ok());
        break;
      }
      if (path.ok()) FAIL("an injected failure was not reported");
      // Only the final directory fsync fails after the rename: the file is then whole.
      CHECK(files.size() <= 1);
      if (!files.empty()) CHECK(test::slurp(md + "/new/" + files[0]).size() == message.size() + 2);
      CHECK(test::list_names(md + "/tmp").empty());
    }
  }
}
