// The server's command table (pop3/server/session_commands.cpp) against REPLIES.md: every
// command has a row there, and the states the rows give are the states the table allows.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <regex>
#include <string>

#include "pop3/server/session.hpp"

using psyncd::pop3::Session;

namespace {

struct States {
  bool authorization = false;
  bool transaction = false;
  bool operator==(const States& o) const {
    return authorization == o.authorization && transaction == o.transaction;
  }
};

// keyword -> the states named in the state column of its rows ("A", "T", "A, T",
// "A, or T without deletions"), merged over all rows whose first word is that keyword.
std::map<std::string, States> replies_states() {
  std::ifstream in(PSYNCD_SOURCE_DIR "/pop3/server/REPLIES.md");
  std::map<std::string, States> out;
  const std::regex row(R"(^\| ([A-Z]+)[ ,|][^|]*\| ([^|]*) \|)");
  const std::regex state(R"(\b([AT])\b)");
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, row)) continue;
    States& s = out[m[1].str()];
    const std::string cell = m[2].str();
    for (std::sregex_iterator it(cell.begin(), cell.end(), state), end; it != end; ++it) {
      if ((*it)[1] == "A") s.authorization = true;
      if ((*it)[1] == "T") s.transaction = true;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("REPLIES.md gives every command the states the command table allows", "[pop3][server]") {
  const auto documented = replies_states();
  REQUIRE(documented.size() >= 10);  // the file was found and read
  for (const auto& c : Session::command_states()) {
    const std::string keyword(c.keyword);
    INFO(keyword);
    REQUIRE(documented.count(keyword) == 1);
    CHECK(documented.at(keyword) == States{c.authorization, c.transaction});
    CHECK(Session::command_syntax(keyword).has_value());
  }
  CHECK(Session::command_states().size() == 16);
  CHECK_FALSE(Session::command_syntax("XTND").has_value());
  CHECK_FALSE(Session::command_syntax("retr").has_value());  // keywords come upper case
}
