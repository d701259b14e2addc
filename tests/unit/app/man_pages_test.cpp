// The man pages in man/ must not drift from the code and the guide: psyncd(8) names every flag
// of psyncd --help, every exit status and signal of docs/admin-guide.md; pop3links.tab(5) every
// authtype token the link parser knows; psyncctl(8) (and the guide) every command, option and
// exit status of psyncctl --help; the guide names every page. Rendering is checked by
// tests/integration/man_pages_test.py (man -l).
#include <catch2/catch.hpp>
#include <regex>

#include "app/psyncctl_cli.hpp"
#include "app/xmcrypt_cli.hpp"
#include "tests/unit/app/doc_sources.hpp"

using namespace psyncd::test;

namespace {

// The page's text with comments, font escapes and roff's \- and \& taken out, so "\-Ms"
// reads "-Ms".
std::string page(const std::string& name) {
  std::string roff = slurp(kSource + "/man/" + name);
  REQUIRE(!roff.empty());
  std::string out;
  std::istringstream lines(roff);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(".\\\"")) continue;
    out += line + "\n";
  }
  static const std::regex escapes(R"(\\f[BIRP]|\\&)");
  out = std::regex_replace(out, escapes, "");
  static const std::regex minus(R"(\\-)");
  return std::regex_replace(out, minus, "-");
}

std::set<std::string> matches(const std::string& text, const std::string& pattern) {
  std::regex re(pattern, std::regex::multiline);
  std::set<std::string> out;
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
    out.insert((*it)[1].str());
  return out;
}

// The text of the guide from `heading` to the next heading of any level.
std::string guide_part(const std::string& heading) {
  std::string guide = slurp(kSource + "/docs/admin-guide.md");
  auto start = guide.find(heading);
  REQUIRE(start != std::string::npos);
  return guide.substr(start, guide.find("\n#", start + 1) - start);
}

}  // namespace

TEST_CASE("man: psyncd(8) names every --help flag, exit status and signal of the guide") {
  std::string man = page("psyncd.8");
  auto flags = help_flags();
  CHECK(flags.size() >= 30);
  for (const auto& f : flags) {
    INFO("flag " << f);
    CHECK(man.find(f) != std::string::npos);
  }
  auto codes = matches(guide_part("Exit codes follow sysexits"), R"(^\| (\d+) \|)");
  CHECK(codes.count("75") == 1);
  for (const auto& c : codes) {
    INFO("exit status " << c);
    CHECK(man.find("\n.B " + c + "\n") != std::string::npos);
  }
  auto signals = matches(guide_part("## Running"), R"((SIG[A-Z]+))");
  CHECK(signals.size() == 4);
  for (const auto& s : signals) {
    INFO("signal " << s);
    CHECK(man.find(s) != std::string::npos);
  }
}

TEST_CASE("man: pop3links.tab(5) names every authtype token") {
  std::string man = page("pop3links.tab.5");
  auto tokens = authtype_tokens();
  CHECK(tokens.size() >= 15);
  for (const auto& t : tokens) {
    INFO("token " << t);
    CHECK(man.find(t) != std::string::npos);
  }
}

TEST_CASE("man: psyncctl(8) and the guide name every command, option and exit status") {
  std::string man = page("psyncctl.8");
  std::string guide = guide_part("## Setting up: psyncctl");
  std::string usage = psyncd::app::psyncctl_usage();
  auto commands = matches(usage, R"(^  ([a-z0-9]+)\b)");
  CHECK(commands.size() == 16);
  CHECK(commands.count("poplnkadd") == 1);
  for (const auto& c : commands) {
    INFO("command " << c);
    CHECK(std::regex_search(man, std::regex("\\b" + c + "\\b")));
    CHECK(guide.find("`" + c) != std::string::npos);
  }
  for (const auto& f : flags_in(usage)) {
    INFO("option " << f);
    CHECK(man.find(f) != std::string::npos);
  }
  auto codes = matches(usage, R"((?:^|[ ,])(\d\d?) (?:done|bad|no|another|refused))");
  CHECK(codes == std::set<std::string>{"0", "64", "66", "75", "78"});
  for (const auto& c : codes) {
    INFO("exit status " << c);
    CHECK(man.find("\n.B " + c + "\n") != std::string::npos);
    CHECK(guide.find(c) != std::string::npos);
  }
}

TEST_CASE("man: xmcrypt(1) has xmcrypt's usage lines, --help and -h") {
  std::ostringstream out, err;
  REQUIRE(psyncd::app::run_xmcrypt({"--help"}, out, err) == 0);
  std::ostringstream help_h, err_h;
  REQUIRE(psyncd::app::run_xmcrypt({"-h"}, help_h, err_h) == 0);
  CHECK(help_h.str() == out.str());
  std::string man = page("xmcrypt.1");
  CHECK(out.str().find("xmcrypt -- PASSWORD") != std::string::npos);
  CHECK(man.find("xmcrypt --\n") != std::string::npos);
  CHECK(man.find("{ --help | -h }") != std::string::npos);
  for (const auto& f : flags_in(out.str())) {
    INFO("option " << f);
    CHECK(man.find(f) != std::string::npos);
  }
}

TEST_CASE("man: every page is named in the guide and names itself") {
  std::string guide = slurp(kSource + "/docs/admin-guide.md");
  for (const char* name : {"psyncd.8", "psyncctl.8", "pop3links.tab.5", "xmcrypt.1"}) {
    std::string file = name;
    auto dot = file.rfind('.');
    std::string title = file.substr(0, dot), section = file.substr(dot + 1);
    INFO("page " << name);
    CHECK(guide.find(title + "(" + section + ")") != std::string::npos);
    std::string upper;
    for (char c : title) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(page(name).find(".TH " + upper + " " + section + " ") != std::string::npos);
  }
}
