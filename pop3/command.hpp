// POP3 command-line parser (RFC 1939, 2449, 2595, 5034): one line without its CRLF in,
// a Command or an Error out. The keyword is case-insensitive; arguments are split on runs of
// spaces (as XMail does); numbers are strict (digits only, no sign, no leading zero, at most
// 2^31-1). Every failure has its own text, fit to follow "-ERR ". Which keywords exist and
// what arguments each takes, the caller says (the server's command table,
// pop3/server/session_commands.cpp); whether a command is allowed in the current state is the
// session's business too.
// Departures from XMail (docs/xmail-formats.md §9.5), on purpose: PASS takes the rest of the line,
// so passwords may hold spaces (XMail answers "Invalid syntax"); "LIST x" is an error, not the full
// list; bytes >127 get an -ERR instead of a silent disconnect, and are allowed in PASS (UTF-8).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::pop3 {

// The argument shapes a command can take.
enum class CommandArgs {
  none,        // CAPA, STLS, STAT, RSET, NOOP, LAST, QUIT
  name,        // USER name
  text,        // PASS text (the rest of the line; the only one that may hold UTF-8)
  apop,        // APOP name digest
  auth,        // AUTH [mechanism [initial-response]]
  opt_number,  // LIST [n], UIDL [n]
  number,      // RETR n, DELE n
  top,         // TOP n k
};

// The argument shape of `keyword` (upper case), or nullopt for a command the caller does not
// know ("unknown command").
using CommandSyntax = std::optional<CommandArgs> (*)(std::string_view keyword);

// Arguments longer than this are refused (RFC 1939 says 40; user@domain names and passwords
// are often longer, and XMail allows whole lines). AUTH's initial response may fill the line.
inline constexpr std::size_t kMaxArgument = 255;

struct Command {
  std::string keyword;                  // upper case, e.g. "RETR"
  std::vector<std::string> args;        // USER name; APOP name digest; AUTH mechanism [response]
  std::string text;                     // PASS: everything after "PASS ", spaces included
  std::optional<std::uint32_t> number;  // message number (LIST, UIDL, RETR, DELE, TOP)
  std::optional<std::uint32_t> lines;   // TOP line count
};

// Errors have kind protocol, field = the keyword (upper case) when one was recognised.
Result<Command> parse_command(std::string_view line, CommandSyntax syntax);

}  // namespace psyncd::pop3
