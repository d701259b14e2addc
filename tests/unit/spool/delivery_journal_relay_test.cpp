#include <catch2/catch.hpp>

#include "common/fs.hpp"
#include "spool/delivery_journal.hpp"
#include "tests/support/common/temp_dir.hpp"

using namespace psyncd;

TEST_CASE("journal: relayed recipients survive a reopen, a left 'sending' one is owed again") {
  test::TempDir dir;
  std::string path = dir / "j.journal";
  {
    auto j = spool::DeliveryJournal::open(fs::posix(), path);
    REQUIRE(j);
    REQUIRE(j->record_sending("u1", {"relay:a@far.net", "relay:b@far.net"}));
    REQUIRE(j->record_relayed("u1", {"relay:a@far.net"}));  // b's 250 never came
    CHECK(j->has_recipient("u1", "relay:a@far.net"));
    CHECK_FALSE(j->is_delivered("u1"));
  }  // a crash here: b was "sending"
  auto j = spool::DeliveryJournal::open(fs::posix(), path);
  REQUIRE(j);
  CHECK(j->has_recipient("u1", "relay:a@far.net"));
  CHECK_FALSE(j->has_recipient("u1", "relay:b@far.net"));  // owed: sent again
  CHECK_FALSE(j->is_delivered("u1"));
  REQUIRE(j->record_relayed("u1", {"relay:b@far.net"}));
  REQUIRE(j->record_complete("u1"));
  auto again = spool::DeliveryJournal::open(fs::posix(), path);
  REQUIRE(again);
  CHECK(again->is_delivered("u1"));
  auto text = fs::read_file(path, 1 << 20);
  REQUIRE(text);
  CHECK(text->find(" S ") == std::string::npos);  // compacted: no sending line is kept
}
