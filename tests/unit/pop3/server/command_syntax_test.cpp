#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "pop3/command.hpp"
#include "pop3/server/session.hpp"

using namespace psyncd::pop3;

namespace {

// The server's commands (pop3/server/session_commands.cpp).
psyncd::Result<Command> parse(std::string_view line) {
  return parse_command(line, &Session::command_syntax);
}

// Renders a parsed command as "KEYWORD|arg,arg|text|n|k" so a table can state it in one string.
std::string render(const Command& c) {
  std::string out = c.keyword + "|";
  for (std::size_t i = 0; i < c.args.size(); ++i) out += (i ? "," : "") + c.args[i];
  out += "|" + c.text + "|";
  out += c.number ? std::to_string(*c.number) : "-";
  out += "|";
  out += c.lines ? std::to_string(*c.lines) : "-";
  return out;
}

}  // namespace

TEST_CASE("parse_command accepts every command") {
  struct Case {
    const char* name;
    std::string input;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"user", "USER alice@example.test", "USER|alice@example.test||-|-"},
      {"lower case keyword", "user bob", "USER|bob||-|-"},
      {"pass keeps spaces", "PASS  my secret ", "PASS|| my secret |-|-"},
      {"pass utf-8", "PASS p\xc3\xa4ss", "PASS||p\xc3\xa4ss|-|-"},
      {"apop", "APOP mrose c4c9334bac560ecc979e58001b3e22fb",
       "APOP|mrose,c4c9334bac560ecc979e58001b3e22fb||-|-"},
      {"empty auth", "AUTH", "AUTH|||-|-"},
      {"auth with response", "AUTH PLAIN AGEAYg==", "AUTH|PLAIN,AGEAYg==||-|-"},
      {"capa", "CAPA", "CAPA|||-|-"},
      {"stls", "stls", "STLS|||-|-"},
      {"stat", "STAT", "STAT|||-|-"},
      {"list all", "LIST", "LIST|||-|-"},
      {"list one", "LIST 2", "LIST|2||2|-"},
      {"uidl one", "UIDL 1", "UIDL|1||1|-"},
      {"retr", "RETR 1", "RETR|1||1|-"},
      {"retr spaces collapse", "RETR   7  ", "RETR|7||7|-"},
      {"top", "TOP 1 0", "TOP|1,0||1|0"},
      {"dele max", "DELE 2147483647", "DELE|2147483647||2147483647|-"},
      {"retr zero parses", "RETR 0", "RETR|0||0|-"},
      {"rset", "RSET", "RSET|||-|-"},
      {"noop", "NOOP", "NOOP|||-|-"},
      {"last", "LAST", "LAST|||-|-"},
      {"quit", "QUIT", "QUIT|||-|-"},
      {"trailing space", "QUIT ", "QUIT|||-|-"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = parse(c.input);
    REQUIRE(r.ok());
    CHECK(render(*r) == c.want);
  }
}

TEST_CASE("parse_command: bad input") {
  struct Case {
    const char* name;
    std::string input;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"empty", "", "empty command line"},
      {"leading space", " NOOP", "command line starts with a space"},
      {"unknown", "XTND XMIT", "unknown command"},
      {"long keyword", "RETRIEVE 1", "unknown command"},
      {"non ascii keyword", "R\xc3\xa9TR 1", "non-ASCII byte in command line"},
      {"non ascii argument", "USER j\xc3\xb6rg", "non-ASCII byte in command line"},
      {"control character", "USER a\tb", "control character in command line"},
      {"nul byte", std::string("NOOP\0", 5), "control character in command line"},
      {"del byte in pass", "PASS a\x7f", "control character in command line"},
      {"noop with argument", "NOOP x", "NOOP takes no argument"},
      {"user missing", "USER", "USER needs a user name"},
      {"user two words", "USER a b", "USER takes one argument (no spaces in the name)"},
      {"user too long", "USER " + std::string(256, 'u'), "argument too long"},
      {"pass missing", "PASS", "PASS needs a password"},
      {"pass empty", "PASS ", "PASS needs a password"},
      {"pass too long", "PASS " + std::string(256, 'p'), "password too long"},
      {"apop one arg", "APOP mrose", "APOP needs a user name and a digest"},
      {"apop bad digest", "APOP mrose c4c9334bac560ecc979e58001b3e22fz",
       "APOP digest must be 32 hex digits"},
      {"apop short digest", "APOP mrose abc", "APOP digest must be 32 hex digits"},
      {"auth three args", "AUTH PLAIN a b", "AUTH takes a mechanism and at most one response"},
      {"auth long mech", "AUTH " + std::string(21, 'M'), "SASL mechanism name too long"},
      {"retr missing", "RETR", "RETR needs a message number"},
      {"dele missing", "DELE", "DELE needs a message number"},
      {"retr two", "RETR 1 2", "RETR takes one message number"},
      {"list two", "LIST 1 2", "LIST takes one message number"},
      {"retr sign", "RETR +1", "invalid message number"},
      {"retr negative", "RETR -1", "invalid message number"},
      {"retr leading zero", "RETR 01", "invalid message number"},
      {"retr hex", "RETR 0x1", "invalid message number"},
      {"list text", "LIST all", "invalid message number"},
      {"retr huge", "RETR 2147483648", "message number too large"},
      {"retr very huge", "RETR 99999999999999999999999", "message number too large"},
      {"top missing count", "TOP 1", "TOP needs a message number and a line count"},
      {"top bad count", "TOP 1 x", "invalid line count"},
      {"top huge count", "TOP 1 4294967296", "line count too large"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = parse(c.input);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().kind == psyncd::ErrorKind::protocol);
    CHECK(r.error().text == c.want);
  }
}

TEST_CASE("parse_command names the keyword in the error field") {
  auto r = parse("retr x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().field == "RETR");
}

TEST_CASE("parse_command takes its keywords and their arguments from the caller") {
  auto only_xtnd = [](std::string_view kw) -> std::optional<CommandArgs> {
    if (kw == "XTND") return CommandArgs::name;
    return std::nullopt;
  };
  auto r = parse_command("xtnd xmit", only_xtnd);
  REQUIRE(r.ok());
  CHECK(render(*r) == "XTND|xmit||-|-");
  CHECK(parse_command("XTND", only_xtnd).error().text == "XTND needs a user name");
  CHECK(parse_command("RETR 1", only_xtnd).error().text == "unknown command");
}
