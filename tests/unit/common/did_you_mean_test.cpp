// common/did_you_mean.hpp: typos of known names are found, far or ambiguous names are not.
#include "common/did_you_mean.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace psyncd;

TEST_CASE("edit_distance counts inserts, deletes, changes and swaps, ignoring case",
          "[did_you_mean]") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("Leave", "leave") == 0);
  CHECK(edit_distance("Levae", "Leave") == 1);  // swapped neighbours
  CHECK(edit_distance("Pop3Threadz", "Pop3Threads") == 1);
  CHECK(edit_distance("STLS", "STL") == 1);
  CHECK(edit_distance("STLS", "XSTLS") == 1);
  CHECK(edit_distance("STARTTLS", "STLS") == 4);
  CHECK(edit_distance("abc", "") == 3);
}

TEST_CASE("did_you_mean suggests a near known name", "[did_you_mean]") {
  const std::vector<std::string_view> known = {"Leave", "STLS", "FSTLS", "Pop3Threads", "APOP"};
  CHECK(did_you_mean("Levae", known) == "Leave");
  CHECK(did_you_mean(" Leave", known) == "Leave");
  CHECK(did_you_mean("leave ", known) == "Leave");
  CHECK(did_you_mean("Pop3Threadz", known) == "Pop3Threads");
  CHECK(did_you_mean("apop", known) == "APOP");
  SECTION("a known name needs no hint") { CHECK_FALSE(did_you_mean("Leave", known)); }
  SECTION("too far") {
    CHECK_FALSE(did_you_mean("Timeout", known));
    CHECK_FALSE(did_you_mean("AB", known));  // short names get one edit only
    CHECK_FALSE(did_you_mean("", known));
    CHECK_FALSE(did_you_mean("   ", known));
    CHECK_FALSE(did_you_mean(std::string(100'000, 'L'), known));  // a whole line, not a typo
  }
  SECTION("names two letters longer or shorter are still in reach") {
    CHECK(did_you_mean("Leaveit", known) == "Leave");
    CHECK(did_you_mean("Pop3Thread", known) == "Pop3Threads");
    CHECK(did_you_mean("Pop3Threa", known) == "Pop3Threads");
  }
  SECTION("two names equally near: no guess") {
    CHECK_FALSE(did_you_mean("XSTLS", {"FSTLS", "ESTLS"}));
  }
}
