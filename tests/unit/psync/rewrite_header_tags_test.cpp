#include "psync/rewrite_header_tags.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

using namespace psyncd::psync;

namespace {

// "+Exclusive,Plain" and then each problem on a line of its own.
std::string render(const HdrTagList& list) {
  std::string s;
  for (const auto& t : list.tags)
    s += (s.empty() ? "" : ",") + (t.exclusive ? "+" + t.name : t.name);
  for (const auto& p : list.problems) s += "\n" + p.to_string();
  return s;
}

}  // namespace

TEST_CASE("FetchHdrTags parsing") {
  // The value of FetchHdrTags, and what it parses to.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {std::string(kDefaultFetchHdrTags), "+X-Deliver-To,+Received,To,Cc,Bcc"},
      {",To,,Cc,", "To,Cc"},  // empty items vanish
      {"", ""},
      {"To, Cc", "To,Cc\nserver.tab: FetchHdrTags: tag \" Cc\": spaces around it trimmed"},
      {"To,+", "To\nserver.tab: FetchHdrTags: tag \"+\": not a header name (ignored)"},
      {"To:,Cc", "Cc\nserver.tab: FetchHdrTags: tag \"To:\": not a header name (ignored)"},
      {"X Y,Cc", "Cc\nserver.tab: FetchHdrTags: tag \"X Y\": not a header name (ignored)"},
      {"T\xc3\xb6,Cc",
       "Cc\nserver.tab: FetchHdrTags: tag \"T\\xC3\\xB6\": not a header name (ignored)"},
  };
  for (const auto& [input, want] : cases) {
    INFO("FetchHdrTags \"" << input << "\"");
    CHECK(render(parse_fetch_hdr_tags(input)) == want);
  }
  SECTION("default list object") {
    const auto& tags = default_fetch_hdr_tags();
    REQUIRE(tags.size() == 5);
    CHECK(tags[0] == HdrTag{"X-Deliver-To", true});
    CHECK(tags[4] == HdrTag{"Bcc", false});
  }
}
