#include "pop3d/listing_cache.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>

#include "common/clock.hpp"
#include "tests/support/pop3d/pop3d_fixture.hpp"

using namespace psyncd;
using namespace psyncd::pop3d;
using namespace std::chrono_literals;

namespace {

constexpr auto kMaildir = spool::MailboxFormat::maildir;

struct Fixture {
  test::Pop3dRoot root;
  std::string account;
  // The cache's idea of "now": by default well past the settle time of everything the test
  // writes, as for a mailbox that has been quiet for a while.
  ManualClock clock{std::chrono::system_clock::now() + 10s};

  Fixture() {
    root.add_user("alice", "pw");
    root.add_user("bob", "pw");
    root.add_message("alice", "1.host,W=3", "a\r\n");
    root.add_message("alice", "2.host,W=3", "b\r\n");
    root.add_message("bob", "3.host,W=3", "c\r\n");
    root.add_message("bob", "4.host,W=3", "d\r\n");
    account = dir_of("alice");
  }
  std::string dir_of(const std::string& user) const {
    return root.path() + "/domains/example.test/" + user;
  }
};

std::shared_ptr<const MailboxListing> get(ListingCache& cache, const std::string& dir,
                                          bool scan_cur = false) {
  auto r = cache.get(dir, kMaildir, scan_cur);
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("ListingCache: a settled mailbox is listed once, then shared") {
  Fixture f;
  ListingCache cache(ListingCache::kDefaultMaxMessages, f.clock);
  auto first = get(cache, f.account);
  REQUIRE(first->size() == 2);
  CHECK(first->at(0).uidl == "1.host,W=3");
  CHECK(first->at(1).size == 3);
  auto second = get(cache, f.account);
  CHECK(second.get() == first.get());
  CHECK(cache.scans() == 1);
  CHECK(cache.cached_messages() == 2);
}

TEST_CASE("ListingCache: a directory changed within the settle time is read at every login") {
  Fixture f;
  ManualClock now(std::chrono::system_clock::now());  // the files were written just now
  ListingCache cache(ListingCache::kDefaultMaxMessages, now);
  auto first = get(cache, f.account);
  auto second = get(cache, f.account);
  CHECK(first.get() != second.get());
  CHECK(cache.scans() == 2);
  CHECK(cache.cached_messages() == 0);
}

TEST_CASE("ListingCache: any change to the directory makes the next login read it again") {
  Fixture f;
  ListingCache cache(ListingCache::kDefaultMaxMessages, f.clock);
  auto before = get(cache, f.account);
  REQUIRE(before->size() == 2);

  SECTION("a new message") {
    f.root.add_message("alice", "5.host,W=3", "e\r\n");
    auto after = get(cache, f.account);
    CHECK(after->size() == 3);
    CHECK(cache.scans() == 2);
  }
  SECTION("a deleted message") {
    REQUIRE(::unlink((f.root.maildir("alice") + "/1.host,W=3").c_str()) == 0);
    auto after = get(cache, f.account);
    REQUIRE(after->size() == 1);
    CHECK(after->at(0).uidl == "2.host,W=3");
  }
  SECTION("a message renamed (the same count, another name)") {
    REQUIRE(::rename((f.root.maildir("alice") + "/1.host,W=3").c_str(),
                     (f.root.maildir("alice") + "/0.host,W=3").c_str()) == 0);
    auto after = get(cache, f.account);
    REQUIRE(after->size() == 2);
    CHECK(after->at(0).uidl == "0.host,W=3");
  }
  SECTION("the directory replaced by another one") {
    const std::string md = f.account + "/Maildir";
    REQUIRE(::rename((md + "/new").c_str(), (md + "/old").c_str()) == 0);
    REQUIRE(::mkdir((md + "/new").c_str(), 0700) == 0);
    auto after = get(cache, f.account);
    CHECK(after->empty());
  }
  // The listing a session already holds is never changed under it.
  CHECK(before->size() == 2);
}

TEST_CASE("ListingCache: new/ alone and new/ + cur/ are separate listings") {
  Fixture f;
  f.root.add_message("alice", "9.host,W=3:2,S", "f\r\n", "cur");
  ListingCache cache(ListingCache::kDefaultMaxMessages, f.clock);
  CHECK(get(cache, f.account, false)->size() == 2);
  CHECK(get(cache, f.account, true)->size() == 3);
  CHECK(get(cache, f.account, false)->size() == 2);
  CHECK(cache.scans() == 2);
  SECTION("a change in cur/ is seen by the listing that reads cur/") {
    REQUIRE(::unlink((f.root.maildir("alice", "cur") + "/9.host,W=3:2,S").c_str()) == 0);
    CHECK(get(cache, f.account, true)->size() == 2);
  }
}

TEST_CASE("ListingCache: a missing mailbox directory is an empty listing, never kept") {
  Fixture f;
  ListingCache cache(ListingCache::kDefaultMaxMessages, f.clock);
  const std::string nobody = f.root.path() + "/domains/example.test/nobody";
  CHECK(get(cache, nobody)->empty());
  CHECK(get(cache, nobody)->empty());
  CHECK(cache.scans() == 2);
}

TEST_CASE("ListingCache: the cap holds, least recently used first") {
  Fixture f;
  // Each two-message mailbox weighs 3 (its messages plus one): room for one of them.
  ListingCache cache(5, f.clock);
  get(cache, f.account);
  CHECK(cache.cached_messages() == 2);
  get(cache, f.dir_of("bob"));  // evicts alice
  CHECK(cache.cached_messages() == 2);
  get(cache, f.dir_of("bob"));
  CHECK(cache.scans() == 2);
  get(cache, f.account);  // alice is read again, bob goes
  CHECK(cache.scans() == 3);
  get(cache, f.dir_of("bob"));
  CHECK(cache.scans() == 4);

  SECTION("a mailbox larger than the whole cache is not kept") {
    ListingCache small(2, f.clock);
    get(small, f.account);
    get(small, f.account);
    CHECK(small.scans() == 2);
    CHECK(small.cached_messages() == 0);
  }
  SECTION("a cap of 0 turns the cache off and empties it") {
    cache.set_max_messages(0);
    CHECK(cache.cached_messages() == 0);
    get(cache, f.account);
    get(cache, f.account);
    CHECK(cache.scans() == 6);
  }
}
