#include "spool/delivery_batch.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <map>

#include "common/log.hpp"
#include "spool/crlf_normalizer.hpp"
#include "spool/unique_name.hpp"
#include "tests/support/common/faulty_fs.hpp"
#include "tests/support/common/temp_dir.hpp"
#include "tests/support/spool/spool_fixture.hpp"

using namespace psyncd;

namespace {

// Recovery and fault paths log on purpose; keep the test output readable.
struct QuietLog {
  log::Level saved = log::min_level();
  QuietLog() { log::set_min_level(log::Level::error); }
  ~QuietLog() { log::set_min_level(saved); }
};

// The file system a test run goes through: plain FaultyFs (per-file fsyncs) or with syncfs;
// with unnamed temp files (O_TMPFILE), or named ones as on a file system without it.
// A syncfs is one counted (and failable, and crashable) call, counted as an fsync.
struct TestFs {
  test::FaultyFs faulty;
  explicit TestFs(bool syncfs, bool named_temps = false) {
    if (syncfs) faulty.use_syncfs();
    if (named_temps) faulty.named_temps_only();
  }
  fs::FileSystem& get() { return faulty; }
};

struct Msg {
  std::string uidl;
  std::string body;
  std::vector<std::string> to;  // account names in x.org
};

const std::vector<Msg> kMessages = {
    {"u1", "Subject: one\n\nfor joe\n", {"joe"}},
    {"u2", "Subject: two\r\n\r\nfor joe and ann\r\n", {"joe", "ann"}},
    {"u3", "Subject: three\n\nann, bob\n.\n", {"ann", "bob"}},
    {"u 4%", "Subject: four\n\nbob only, odd uidl", {"bob"}},
    {"u5", "Subject: five\n\neverybody\n", {"joe", "ann", "bob"}},
};

struct Store {
  test::TempDir dir;
  std::map<std::string, std::string> maildirs;
  std::string journal;
  Store() {
    for (const char* a : {"joe", "ann", "bob"})
      maildirs[a] = test::make_maildir(dir.path(), "x.org", a);
    journal = spool::journal_path(dir.path(), "pop.example.com:995", "remote");
  }
};

// What the fetch engine does: skip what the journal has, deliver the rest in two batches.
Result<void> deliver_all(fs::FileSystem& fs, spool::DeliveryJournal& journal, Store& store) {
  const ManualClock clock;
  size_t i = 0;
  for (size_t batch_end : {size_t{2}, kMessages.size()}) {
    spool::DeliveryBatch batch(fs, journal);
    for (; i < batch_end; ++i) {
      const Msg& m = kMessages[i];
      if (journal.is_delivered(m.uidl)) continue;
      std::vector<spool::Target> targets;
      for (const auto& a : m.to) targets.push_back({a + "@x.org", store.maildirs[a] + "/new"});
      auto d =
          spool::Delivery::begin(fs, store.maildirs[m.to[0]] + "/tmp", spool::unique_name(clock));
      if (!d) return d.error();
      for (size_t k = 0; k < m.body.size(); k += 5) {
        if (auto r = d->write(std::string_view(m.body).substr(k, 5)); !r) return r;
      }
      if (auto r = batch.add(m.uidl, std::move(*d), targets); !r) return r;
    }
    if (auto r = batch.commit(); !r) return r;
  }
  return {};
}

// How many files in `account`'s new/ hold exactly `m`'s stored form (and any foreign content).
int copies(Store& store, const std::string& account, const Msg& m) {
  std::string want = spool::wire_form(m.body);
  int n = 0;
  for (const auto& name : test::list_names(store.maildirs[account] + "/new")) {
    std::string got = test::slurp(store.maildirs[account] + "/new/" + name);
    if (got == want) {
      ++n;
      CHECK(name.substr(name.find(",W=")) == fmt::format(",W={}", want.size()));
    }
  }
  return n;
}

void check_exactly_once(Store& store) {
  size_t files = 0;
  for (const auto& m : kMessages) {
    for (const auto& a : m.to) {
      INFO("message " << m.uidl << " for " << a);
      CHECK(copies(store, a, m) == 1);
      ++files;
    }
  }
  size_t total = 0;
  for (const auto& [a, md] : store.maildirs) total += test::list_names(md + "/new").size();
  CHECK(total == files);  // nothing else, nothing half-written
}

long clean_run_calls(bool use_syncfs, bool named_temps) {
  Store store;
  TestFs counting(use_syncfs, named_temps);
  auto j = spool::DeliveryJournal::open(counting.get(), store.journal);
  REQUIRE(j.ok());
  REQUIRE(deliver_all(counting.get(), *j, store).ok());
  check_exactly_once(store);
  for (const auto& m : kMessages) CHECK(j->is_delivered(m.uidl));
  return counting.faulty.calls();
}

// A journal left by a process that died right after writing a pending record.
void leave_pending(Store& store, const std::string& uidl, const std::string& tmp,
                   std::vector<spool::JournalTarget> targets) {
  auto j = spool::DeliveryJournal::open(fs::posix(), store.journal);
  REQUIRE(j.ok());
  spool::JournalRecord p;
  p.uidl = uidl;
  p.complete = true;
  p.tmp_path = tmp;
  p.targets = std::move(targets);
  REQUIRE(j->record_pending({p}).ok());
}

}  // namespace

TEST_CASE("batch delivery: one journal fsync per batch, one fsync per touched directory") {
  Store store;
  test::FaultyFs counting;
  auto j = spool::DeliveryJournal::open(counting, store.journal);
  REQUIRE(j.ok());
  long before = counting.fsyncs();
  REQUIRE(deliver_all(counting, *j, store).ok());
  check_exactly_once(store);
  // 5 message fsyncs + batch 1 (the journal's first write makes the file whole: file and
  // directory; joe/new, ann/new) + batch 2 (journal, 3 dirs)
  CHECK(counting.fsyncs() - before == 5 + 4 + 4);
  CHECK(test::list_names(store.maildirs["joe"] + "/tmp").empty());
  SECTION("with syncfs: 2 sync calls per batch of unnamed temps, no per-message fsync") {
    Store store2;
    TestFs t(true);
    auto j2 = spool::DeliveryJournal::open(t.get(), store2.journal);
    REQUIRE(j2.ok());
    long before2 = t.faulty.fsyncs();
    REQUIRE(deliver_all(t.get(), *j2, store2).ok());
    check_exactly_once(store2);
    CHECK(t.faulty.fsyncs() - before2 == 2 * 2);
  }
  SECTION("with syncfs and named temps: 3 sync calls per batch") {
    Store store2;
    TestFs t(true, true);
    auto j2 = spool::DeliveryJournal::open(t.get(), store2.journal);
    REQUIRE(j2.ok());
    long before2 = t.faulty.fsyncs();
    REQUIRE(deliver_all(t.get(), *j2, store2).ok());
    check_exactly_once(store2);
    CHECK(t.faulty.fsyncs() - before2 == 2 * 3 + 1);  // +1: the new journal's directory
  }
  SECTION("a second run delivers nothing again") {
    REQUIRE(deliver_all(fs::posix(), *j, store).ok());
    check_exactly_once(store);
  }
  SECTION("the journal survives a reopen, and prune_except forgets vanished UIDLs") {
    auto again = spool::DeliveryJournal::open(fs::posix(), store.journal);
    REQUIRE(again.ok());
    CHECK(again->size() == 5);
    CHECK(again->is_delivered("u 4%"));
    REQUIRE(again->prune_except({"u2", "u5"}).ok());
    CHECK(again->size() == 2);
    auto third = spool::DeliveryJournal::open(fs::posix(), store.journal);
    CHECK_FALSE(third->is_delivered("u1"));
    CHECK(third->is_delivered("u5"));
    CHECK(third->has_recipient("u2", "ann@x.org"));
  }
}

// The order that makes one sync enough for data and pending records: every pending record
// is written before the sync, and no target is linked before that sync has returned.
class OrderFs final : public fs::ForwardingFileSystem {
 public:
  OrderFs() : ForwardingFileSystem(fs::posix()) {}
  bool has_syncfs() const override { return true; }
  Result<void> write_all(int fd, std::string_view data, const std::string& path) override {
    if (path.find("/psyncd/journal/") != std::string::npos)
      // A record is "<crc32 in hex> <type letter> ...".
      events.emplace_back(data.size() > 9 && data[9] == 'P' ? "journal pending" : "journal other");
    return ForwardingFileSystem::write_all(fd, data, path);
  }
  Result<void> fsync(int fd, const std::string& path) override {
    events.emplace_back("fsync");
    return ForwardingFileSystem::fsync(fd, path);
  }
  Result<void> syncfs(const std::string& path) override {
    events.emplace_back("syncfs");
    return ForwardingFileSystem::syncfs(path);
  }
  Result<void> link_fd(int fd, const std::string& to) override {
    if (events.empty() || events.back() != "link") events.emplace_back("link");
    return ForwardingFileSystem::link_fd(fd, to);
  }
  std::vector<std::string> events;
};

TEST_CASE("batch delivery with syncfs and unnamed temps: pending records, sync, links, sync") {
  Store store;
  OrderFs order;
  auto j = spool::DeliveryJournal::open(order, store.journal);
  REQUIRE(j.ok());
  REQUIRE(deliver_all(order, *j, store).ok());
  check_exactly_once(store);
  const std::vector<std::string> batch = {"journal pending", "syncfs", "link", "syncfs",
                                          "journal other"};
  std::vector<std::string> want = batch;
  want.insert(want.end(), batch.begin(), batch.end());
  CHECK(order.events == want);
}

TEST_CASE("journal: an idle session (nothing appended, nothing forgotten) writes nothing") {
  Store store;
  test::FaultyFs counting;
  {
    auto j = spool::DeliveryJournal::open(counting, store.journal);
    REQUIRE(j.ok());
    REQUIRE(j->prune_except({}).ok());
  }
  CHECK(counting.fsyncs() == 0);  // a new link with an empty mailbox: not even a file
  CHECK_FALSE(fs::exists(store.journal));
  {
    auto j = spool::DeliveryJournal::open(counting, store.journal);
    REQUIRE(j.ok());
    REQUIRE(deliver_all(counting, *j, store).ok());
  }
  REQUIRE(fs::exists(store.journal));
  const long calls = counting.calls();
  {
    auto j = spool::DeliveryJournal::open(counting, store.journal);
    REQUIRE(j.ok());
    REQUIRE(j->prune_except({"u1", "u2", "u3", "u 4%", "u5"}).ok());
    CHECK(counting.calls() == calls);  // nothing changed: no rewrite
    REQUIRE(j->prune_except({"u2"}).ok());
    CHECK(counting.calls() > calls);  // four forgotten: rewritten
  }
  auto again = spool::DeliveryJournal::open(fs::posix(), store.journal);
  REQUIRE(again.ok());
  CHECK(again->size() == 1);
  CHECK(again->is_delivered("u2"));
}

TEST_CASE("batch delivery: a crash at EVERY call, then recovery and a retry, gives exactly once") {
  QuietLog quiet;
  const bool use_syncfs = GENERATE(false, true);
  const bool named = GENERATE(false, true);
  const long total = clean_run_calls(use_syncfs, named);
  REQUIRE(total > 25);
  for (long k = 1; k <= total; ++k) {
    Store store;
    {
      TestFs t(use_syncfs, named);
      t.faulty.crash_at_call(k);
      auto j = spool::DeliveryJournal::open(t.get(), store.journal);
      if (j.ok()) (void)deliver_all(t.get(), *j, store);
      REQUIRE(t.faulty.crashed());
    }  // the "process" is gone: destructors ran against the crashed file system
    INFO("syncfs " << use_syncfs << ", named temps " << named << ", crash at call " << k << " of "
                   << total);
    auto j = spool::DeliveryJournal::open(fs::posix(), store.journal);
    REQUIRE(j.ok());
    REQUIRE(deliver_all(fs::posix(), *j, store).ok());
    check_exactly_once(store);
    for (const auto& m : kMessages) CHECK(j->is_delivered(m.uidl));
  }
}

TEST_CASE("batch delivery: ENOSPC/EIO at every call: error, nothing half-visible, retry exact") {
  QuietLog quiet;
  const bool use_syncfs = GENERATE(false, true);
  const bool named = GENERATE(false, true);
  const long total = clean_run_calls(use_syncfs, named);
  for (int err : {ENOSPC, EIO}) {
    for (long k = 1; k <= total; ++k) {
      Store store;
      TestFs t(use_syncfs, named);
      t.faulty.fail_call(k, err);
      auto j = spool::DeliveryJournal::open(t.get(), store.journal);
      INFO("syncfs " << use_syncfs << ", named temps " << named << ", errno " << err << " at call "
                     << k);
      if (!j.ok()) {
        j = spool::DeliveryJournal::open(fs::posix(), store.journal);
        REQUIRE(j.ok());
      } else {
        auto r = deliver_all(t.get(), *j, store);
        // Appending "delivered" records is best effort (not needed for durability).
        if (r.ok()) CHECK(t.faulty.calls() >= k);
        // What the journal claims is what is on disk, whole, once.
        for (const auto& m : kMessages) {
          for (const auto& a : m.to) {
            int n = copies(store, a, m);
            CHECK(n <= 1);
            CHECK((n == 1) == j->has_recipient(m.uidl, a + "@x.org"));
          }
        }
      }
      REQUIRE(deliver_all(fs::posix(), *j, store).ok());  // the retry
      check_exactly_once(store);
      auto reopened = spool::DeliveryJournal::open(fs::posix(), store.journal);
      REQUIRE(reopened.ok());
      for (const auto& m : kMessages) CHECK(reopened->is_delivered(m.uidl));
    }
  }
}

TEST_CASE(
    "batch delivery: an incomplete routing stays undelivered; retries add only new recipients") {
  Store store;
  auto j = spool::DeliveryJournal::open(fs::posix(), store.journal);
  REQUIRE(j.ok());
  const Msg m{"u7", "Subject: seven\n\nx\n", {"joe", "ann"}};
  auto attempt = [&](std::vector<std::string> accounts, bool complete) {
    spool::DeliveryBatch batch(fs::posix(), *j);
    auto d =
        spool::Delivery::begin(fs::posix(), store.maildirs["joe"] + "/tmp", spool::unique_name());
    REQUIRE(d.ok());
    REQUIRE(d->write(m.body).ok());
    std::vector<spool::Target> targets;
    for (const auto& a : accounts) targets.push_back({a + "@x.org", store.maildirs[a] + "/new"});
    REQUIRE(batch.add(m.uidl, std::move(*d), targets, complete).ok());
    REQUIRE(batch.commit().ok());
  };
  SECTION("bad input: one UIDL twice in a batch") {
    spool::DeliveryBatch batch(fs::posix(), *j);
    for (int i = 0; i < 2; ++i) {
      auto d =
          spool::Delivery::begin(fs::posix(), store.maildirs["joe"] + "/tmp", spool::unique_name());
      REQUIRE(d.ok());
      auto r = batch.add("dup", std::move(*d), {{"joe@x.org", store.maildirs["joe"] + "/new"}});
      if (i == 1) {
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().to_string() == "dup: UIDL appears twice in one batch");
      }
    }
    REQUIRE(batch.commit().ok());
    CHECK(test::list_names(store.maildirs["joe"] + "/new").size() == 1);
    CHECK(test::list_names(store.maildirs["joe"] + "/tmp").empty());
  }
  attempt({"joe"}, false);  // ann could not be routed yet
  CHECK_FALSE(j->is_delivered("u7"));
  CHECK(j->has_recipient("u7", "joe@x.org"));
  attempt({"joe"}, false);  // the next cycle: still not routable, joe gets no duplicate
  CHECK(copies(store, "joe", m) == 1);
  attempt({"joe", "ann"}, true);  // ann exists now
  CHECK(j->is_delivered("u7"));
  CHECK(copies(store, "joe", m) == 1);
  CHECK(copies(store, "ann", m) == 1);
  CHECK(test::list_names(store.maildirs["joe"] + "/tmp").empty());
}

TEST_CASE("recovery: temp gone after a partial link keeps the recipients that have it") {
  Store store;
  std::string md_joe = store.maildirs["joe"], md_ann = store.maildirs["ann"];
  store.dir.write("domains/x.org/joe/Maildir/new/m1,W=3", "a\r\n");
  leave_pending(store, "u9", md_joe + "/tmp/m1",  // the temp file is already gone
                {{"joe@x.org", md_joe + "/new/m1,W=3"}, {"ann@x.org", md_ann + "/new/m1,W=3"}});
  auto j = spool::DeliveryJournal::open(fs::posix(), store.journal);
  REQUIRE(j.ok());
  CHECK_FALSE(j->is_delivered("u9"));          // the fetch engine fetches it again ...
  CHECK(j->has_recipient("u9", "joe@x.org"));  // ... and delivers only to ann
  CHECK_FALSE(j->has_recipient("u9", "ann@x.org"));
  CHECK(test::list_names(md_ann + "/new").empty());
}

TEST_CASE("recovery: a rolled-back record leaves the file, so the next open recovers nothing") {
  QuietLog quiet;
  Store store;
  std::string md_joe = store.maildirs["joe"];
  leave_pending(store, "u7", md_joe + "/tmp/gone", {{"joe@x.org", md_joe + "/new/gone"}});
  REQUIRE(test::slurp(store.journal).find("u7") != std::string::npos);
  auto j = spool::DeliveryJournal::open(fs::posix(), store.journal);
  REQUIRE(j.ok());
  CHECK_FALSE(j->has_recipient("u7", "joe@x.org"));
  CHECK(test::slurp(store.journal).find("u7") == std::string::npos);
}

TEST_CASE("recovery: a pending record whose temp file exists is rolled forward") {
  Store store;
  std::string md_joe = store.maildirs["joe"], md_bob = store.maildirs["bob"];
  store.dir.write("domains/x.org/joe/Maildir/tmp/m2", "b\r\n");
  leave_pending(store, "u8", md_joe + "/tmp/m2",
                {{"joe@x.org", md_joe + "/new/m2"}, {"bob@x.org", md_bob + "/new/m2"}});
  auto j = spool::DeliveryJournal::open(fs::posix(), store.journal);
  REQUIRE(j.ok());
  CHECK(j->is_delivered("u8"));
  CHECK(test::slurp(md_bob + "/new/m2") == "b\r\n");
  CHECK(test::slurp(md_joe + "/new/m2") == "b\r\n");
  CHECK(test::list_names(md_joe + "/tmp").empty());
}

TEST_CASE("journal open: a torn tail and a corrupt record are ignored and compacted away") {
  QuietLog quiet;
  Store store;
  spool::JournalRecord d;
  d.type = spool::JournalRecord::Type::delivered;
  d.uidl = "ok";
  d.complete = true;
  std::string good = spool::format_record(d);
  std::string rel = store.journal.substr(store.dir.path().size() + 1);
  store.dir.write(rel, "00000000 D bad 1\n" + good + good.substr(0, 7));
  auto j = spool::DeliveryJournal::open(fs::posix(), store.journal);
  REQUIRE(j.ok());
  CHECK(j->is_delivered("ok"));
  CHECK(j->size() == 1);
  CHECK(store.dir.read(rel) == good);
}
