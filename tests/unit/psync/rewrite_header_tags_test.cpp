#include "psync/rewrite_header_tags.hpp"

#include <catch2/catch.hpp>
#include <string>
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

struct TagCase {
  const char* name;
  std::string input;
  std::string want;
};

}  // namespace

TEST_CASE("FetchHdrTags parsing") {
  const std::vector<TagCase> cases = {
      {"default", std::string(kDefaultFetchHdrTags), "+X-Deliver-To,+Received,To,Cc,Bcc"},
      {"empty items vanish", ",To,,Cc,", "To,Cc"},
      {"empty", "", ""},
      {"spaces trimmed and noted", "To, Cc",
       "To,Cc\nserver.tab: FetchHdrTags: tag \" Cc\": spaces around it trimmed"},
      {"lone plus", "To,+", "To\nserver.tab: FetchHdrTags: tag \"+\": not a header name (ignored)"},
      {"colon", "To:,Cc", "Cc\nserver.tab: FetchHdrTags: tag \"To:\": not a header name (ignored)"},
      {"inner space", "X Y,Cc",
       "Cc\nserver.tab: FetchHdrTags: tag \"X Y\": not a header name (ignored)"},
      {"8-bit", "T\xc3\xb6,Cc",
       "Cc\nserver.tab: FetchHdrTags: tag \"T\\xC3\\xB6\": not a header name (ignored)"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) { CHECK(render(parse_fetch_hdr_tags(c.input)) == c.want); }
  }
  SECTION("default list object") {
    const auto& tags = default_fetch_hdr_tags();
    REQUIRE(tags.size() == 5);
    CHECK(tags[0] == HdrTag{"X-Deliver-To", true});
    CHECK(tags[4] == HdrTag{"Bcc", false});
  }
}
