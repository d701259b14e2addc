#include "pop3/command.hpp"

#include "common/ascii.hpp"
#include "common/decimal.hpp"
#include "common/hex.hpp"

namespace psyncd::pop3 {

namespace {

Error fail(std::string_view keyword, std::string text) {
  return Error{ErrorKind::protocol, {}, 0, std::string(keyword), std::move(text)};
}

std::vector<std::string> split_spaces(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

// Strict decimal: no leading zero (except "0"), value <= 2^31-1, any number of digits (a long
// one is "too large", not "invalid").
Result<std::uint32_t> number_arg(std::string_view keyword, std::string_view arg, const char* what) {
  const Decimal n = read_decimal(arg, DecimalRules{0x7fffffffu, false, std::string_view::npos});
  if (n.status == DecimalStatus::ok) return static_cast<std::uint32_t>(n.value);
  const bool too_large = n.status == DecimalStatus::too_large;
  return fail(keyword,
              std::string(too_large ? "" : "invalid ") + what + (too_large ? " too large" : ""));
}

bool is_hex_digest(std::string_view s) {
  if (s.size() != 32) return false;
  for (char c : s) {
    if (!is_hex_digit(c)) return false;
  }
  return true;
}

Result<void> check_bytes(std::string_view line, std::string_view keyword, bool allow_8bit) {
  for (char ch : line) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return fail(keyword, "control character in command line");
    if (c >= 0x80 && !allow_8bit) return fail(keyword, "non-ASCII byte in command line");
  }
  return {};
}

Result<void> parse_args(CommandArgs args, std::string_view rest, Command& cmd) {
  const std::string_view kw = cmd.keyword;
  if (args == CommandArgs::text) {
    if (rest.empty()) return fail(kw, std::string(kw) + " needs a password");
    if (rest.size() > kMaxArgument) return fail(kw, "password too long");
    cmd.text = std::string(rest);
    return {};
  }
  cmd.args = split_spaces(rest);
  const auto& a = cmd.args;
  const std::size_t limit = args == CommandArgs::auth ? std::string::npos : kMaxArgument;
  for (const auto& arg : a) {
    if (arg.size() > limit) return fail(kw, "argument too long");
  }
  switch (args) {
    case CommandArgs::none:
      if (!a.empty()) return fail(kw, std::string(kw) + " takes no argument");
      return {};
    case CommandArgs::name:
      if (a.empty()) return fail(kw, std::string(kw) + " needs a user name");
      if (a.size() > 1)
        return fail(kw, std::string(kw) + " takes one argument (no spaces in the name)");
      return {};
    case CommandArgs::text:
      return {};
    case CommandArgs::apop:
      if (a.size() != 2) return fail(kw, std::string(kw) + " needs a user name and a digest");
      if (!is_hex_digest(a[1])) return fail(kw, std::string(kw) + " digest must be 32 hex digits");
      return {};
    case CommandArgs::auth:
      if (a.size() > 2)
        return fail(kw, std::string(kw) + " takes a mechanism and at most one response");
      if (!a.empty() && a[0].size() > 20) return fail(kw, "SASL mechanism name too long");
      return {};
    case CommandArgs::opt_number:
    case CommandArgs::number: {
      if (a.empty() && args == CommandArgs::opt_number) return {};
      if (a.empty()) return fail(kw, std::string(kw) + " needs a message number");
      if (a.size() > 1) return fail(kw, std::string(kw) + " takes one message number");
      auto n = number_arg(kw, a[0], "message number");
      if (!n) return n.error();
      cmd.number = *n;
      return {};
    }
    case CommandArgs::top: {
      if (a.size() != 2)
        return fail(kw, std::string(kw) + " needs a message number and a line count");
      auto n = number_arg(kw, a[0], "message number");
      if (!n) return n.error();
      auto k = number_arg(kw, a[1], "line count");
      if (!k) return k.error();
      cmd.number = *n;
      cmd.lines = *k;
      return {};
    }
  }
  return {};
}

}  // namespace

Result<Command> parse_command(std::string_view line, CommandSyntax syntax) {
  if (line.empty()) return fail({}, "empty command line");
  const std::size_t sp = line.find(' ');
  const std::string_view word = line.substr(0, sp);
  std::string keyword = ascii_upper(word);
  const std::optional<CommandArgs> args = syntax(keyword);
  if (!args) {
    if (auto bytes = check_bytes(line, {}, false); !bytes) return bytes.error();
    if (word.empty()) return fail({}, "command line starts with a space");
    return fail({}, "unknown command");
  }
  const std::string_view rest =
      sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
  // Passwords may be UTF-8 (what clients send in practice); everything else is ASCII.
  if (auto bytes = check_bytes(rest, keyword, *args == CommandArgs::text); !bytes) {
    return bytes.error();
  }
  Command cmd;
  cmd.keyword = std::move(keyword);
  if (auto r = parse_args(*args, rest, cmd); !r) return r.error();
  return cmd;
}

}  // namespace psyncd::pop3
