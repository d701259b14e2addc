// Golden files: tests/data/psync/rewriter/<name>.in holds "rule:", "account:" and optional
// "tags:" lines, a line "--", then a message header block; <name>.ref holds the expected
// sender, recipients, warnings and problems. Each input is also run with CRLF line ends and
// fed to the header reader one byte at a time: the answer must not change.
// PSYNCD_UPDATE_GOLDEN=1 rewrites the .ref files (review the diff before committing).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "mail/address_sender.hpp"
#include "psync/rewrite_recipients.hpp"
#include "tests/support/mail/header_feed.hpp"

using namespace psyncd;
using namespace psyncd::mail;
using namespace psyncd::psync;
namespace stdfs = std::filesystem;

namespace {

std::string slurp(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Golden {
  RewriteRule rule;
  HdrTagList tags;
  std::string message;
};

Golden load(const std::string& text) {
  std::size_t sep = text.find("\n--\n");
  REQUIRE(sep != std::string::npos);
  std::istringstream meta(text.substr(0, sep));
  std::string line, rule_text, account, tags(kDefaultFetchHdrTags);
  while (std::getline(meta, line)) {
    if (line.rfind("rule: ", 0) == 0) rule_text = line.substr(6);
    if (line.rfind("account: ", 0) == 0) account = line.substr(9);
    if (line.rfind("tags: ", 0) == 0) tags = line.substr(6);
  }
  auto rule = parse_rewrite_rule(rule_text, account);
  REQUIRE(rule.ok());
  return Golden{*rule, parse_fetch_hdr_tags(tags), text.substr(sep + 4)};
}

std::string answer(const Golden& g, const HeaderBlock& block) {
  Recipients r = build_recipients(g.rule, block, g.tags.tags);
  std::string s = "sender: " + envelope_sender(block.headers) + "\n";
  for (const auto& a : r.found) s += "found: " + a + "\n";
  for (const auto& a : r.recipients) s += "recipient: " + a + "\n";
  for (const auto& w : r.warnings) s += "warning: " + w + "\n";
  for (const auto& p : g.tags.problems) s += "problem: " + p.to_string() + "\n";
  for (const auto& p : r.problems) s += "problem: " + p.to_string() + "\n";
  return s;
}

}  // namespace

TEST_CASE("rewriter golden files") {
  stdfs::path dir = stdfs::path(PSYNCD_SOURCE_DIR) / "tests/data/psync/rewriter";
  int count = 0;
  for (const auto& entry : stdfs::directory_iterator(dir)) {
    if (entry.path().extension() != ".in") continue;
    ++count;
    stdfs::path ref = entry.path();
    ref.replace_extension(".ref");
    INFO(entry.path().filename().string());
    Golden g = load(slurp(entry.path()));
    std::string got = answer(g, read_headers(g.message));
    if (std::getenv("PSYNCD_UPDATE_GOLDEN") != nullptr) {
      std::ofstream(ref, std::ios::binary) << got;
    }
    CHECK(got == slurp(ref));
    CHECK(answer(g, read_headers(test::to_crlf(g.message))) == got);
    CHECK(answer(g, test::read_headers_bytewise(g.message)) == got);
    CHECK(answer(g, test::read_headers_bytewise(test::to_crlf(g.message))) == got);
  }
  CHECK(count >= 8);
}
