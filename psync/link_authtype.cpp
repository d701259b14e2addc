#include "psync/link_authtype.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <initializer_list>
#include <optional>
#include <utility>

#include "common/ascii.hpp"
#include "common/decimal.hpp"
#include "common/did_you_mean.hpp"
#include "common/hex.hpp"
#include "psync/oauth_token_file.hpp"

namespace psyncd::psync {

namespace {

constexpr const char* kField = "field 6 (authtype)";

struct Token {
  std::string raw;    // as written
  std::string name;   // before the first '='
  std::string value;  // after it
  bool has_value = false;
};

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(",\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) {
      Token t;
      t.raw = std::string(text.substr(start, end - start));
      size_t eq = t.raw.find('=');
      t.name = t.raw.substr(0, eq);
      if (eq != std::string::npos) {
        t.has_value = true;
        t.value = t.raw.substr(eq + 1);
      }
      out.push_back(std::move(t));
    }
    start = end + 1;
  }
  return out;
}

// glibc's atoi(), which XMail reads Leave=V with: leading white space skipped, an optional
// sign, digits up to the first other byte ("yes" and "" give 0, " 2x" gives 2); out of range
// saturates as strtol() does, then is cut to int as atoi() does.
int xmail_atoi(std::string_view text) {
  size_t i = 0;
  auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (i < text.size() && space(text[i])) ++i;
  bool negative = i < text.size() && text[i] == '-';
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  // Magnitudes up to LONG_MAX + 1 (LONG_MIN's) are exact; beyond, strtol saturates.
  const unsigned long limit = static_cast<unsigned long>(LONG_MAX) + (negative ? 1 : 0);
  unsigned long value = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    auto digit = static_cast<unsigned long>(text[i] - '0');
    value = value > (limit - digit) / 10 ? limit : value * 10 + digit;
  }
  long as_long = negative ? static_cast<long>(0 - value) : static_cast<long>(value);
  return static_cast<int>(as_long);  // atoi() is (int)strtol(): the low 32 bits
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

constexpr std::array<const char*, 16> kKnown = {
    "CLR",      "APOP", "FAPOP", "STLS",     "FSTLS",  "POP3S",   "Leave",      "OutBind",
    "NoVerify", "Pin",  "SASL",  "KeepDays", "UseTop", "MaxSize", "SizeAction", "OAuth"};

bool is_known(std::string_view name) {
  return std::any_of(kKnown.begin(), kKnown.end(), [&](const char* k) { return name == k; });
}

bool is_flag(std::string_view name) {
  for (const char* f : {"CLR", "APOP", "FAPOP", "STLS", "FSTLS", "POP3S", "NoVerify", "UseTop"})
    if (name == f) return true;
  return false;
}

// Names admins write for a known token ("STARTTLS" is RFC 2595's name for STLS).
constexpr std::array<std::pair<const char*, const char*>, 6> kAliases = {{{"STARTTLS", "STLS"},
                                                                          {"TLS", "STLS"},
                                                                          {"SSL", "POP3S"},
                                                                          {"POPS", "POP3S"},
                                                                          {"Keep", "Leave"},
                                                                          {"NoDelete", "Leave"}}};

// The known token an unknown name was probably meant to be.
std::optional<std::string> meant(const std::string& name) {
  std::string_view trimmed = name;
  while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t'))
    trimmed.remove_prefix(1);
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t'))
    trimmed.remove_suffix(1);
  for (const auto& [alias, known] : kAliases)
    if (iequals(trimmed, alias)) return std::string(known);
  return did_you_mean(name, std::vector<std::string_view>(kKnown.begin(), kKnown.end()));
}

// Why an unknown token did not match, so a typo is easy to fix.
std::string unknown_hint(const std::string& name, const std::optional<std::string>& guess) {
  for (const char* k : kKnown)
    if (iequals(name, k)) return "; option names are case-sensitive: " + quoted(k);
  size_t first = name.find_first_not_of(" \t");
  size_t last = name.find_last_not_of(" \t");
  if (first != std::string::npos && (first > 0 || last + 1 < name.size()) &&
      is_known(name.substr(first, last - first + 1)))
    return "; spaces are not trimmed";
  return guess ? "; did you mean " + quoted(*guess) + "?" : "";
}

class Parser {
 public:
  ParsedAuthtype run(std::string_view text) {
    for (const Token& t : tokenize(text)) one(t);
    resolve_xmail_flags();
    check_combinations();
    for (const Token& t : unknown_) report_unknown(t);
    return std::move(out_);
  }

 private:
  void warn(std::string text) {
    out_.problems.push_back(make_problem(Severity::warning, kField, std::move(text)));
  }
  void fail(std::string text) {
    out_.problems.push_back(make_problem(Severity::error, kField, std::move(text)));
  }
  bool seen(std::string_view name) const {
    return std::any_of(tokens_.begin(), tokens_.end(),
                       [&](const Token& t) { return t.name == name; });
  }
  // The known tokens named, as written and in field order, joined by ',': "CLR,APOP".
  std::string written(std::initializer_list<std::string_view> names) const {
    std::string out;
    for (const Token& t : tokens_)
      if (std::find(names.begin(), names.end(), t.name) != names.end())
        out += (out.empty() ? "" : ",") + t.raw;
    return quoted(out);
  }

  void one(const Token& t) {
    if (!is_known(t.name)) {
      out_.options.unknown.push_back(t.raw);
      unknown_.push_back(t);
      return;
    }
    repeated(t);
    tokens_.push_back(t);
    if (is_flag(t.name)) {
      // XMail compares names only, so "APOP=1" is APOP.
      if (t.has_value) warn("token " + quoted(t.raw) + ": value ignored");
      flag(t.name);
      return;
    }
    valued(t);
  }

  // XMail sets a flag bit per token (UPopChanConfigAssign), so a flag twice is a flag once;
  // Leave is reported with its outcome in leave_outcome(), OutBind where it is read.
  void repeated(const Token& t) {
    if (!seen(t.name) || t.name == "Leave") return;
    if (is_flag(t.name))
      warn("token " + quoted(t.name) + " given more than once (the same as once)");
    else if (t.name != "OutBind")
      warn("token " + quoted(t.name) + " given more than once (the last one wins)");
  }

  void flag(std::string_view name) {
    if (name == "NoVerify") out_.options.verify_peer = false;
    if (name == "UseTop") out_.options.use_top = true;
  }

  void valued(const Token& t) {
    if (t.name == "Leave") return leave(t);
    if (t.name == "OutBind") return out_bind(t);
    if (!t.has_value || t.value.empty()) return fail("token " + quoted(t.raw) + ": missing value");
    if (t.name == "Pin") return pin(t);
    if (t.name == "SASL") return sasl(t);
    if (t.name == "KeepDays") return keep_days(t);
    if (t.name == "MaxSize") return max_size(t);
    if (t.name == "SizeAction") return size_action(t);
    if (t.name == "OAuth") return oauth(t);
  }

  // XMail: "Leave" alone, or Leave=V with atoi(V) > 0, turns Leave on; nothing turns it off.
  void leave(const Token& t) {
    if (!t.has_value || xmail_atoi(t.value) > 0) out_.options.leave = true;
  }

  void out_bind(const Token& t) {
    if (!t.has_value) {
      warn("token " + quoted(t.raw) + " has no address (ignored, as XMail does)");
      return;
    }
    // XMail would bind to "" and fail every connect (MscGetServerAddress); psyncd skips it.
    if (t.value.empty()) {
      warn(quoted(t.raw) +
           ": no address; XMail would fail every connect of this link, psyncd ignores it");
      return;
    }
    auto addr = parse_remote(t.value, 0, true);
    if (!addr) return fail("token " + quoted(t.raw) + ": " + addr.error().text);
    if (out_.options.has_out_bind)
      warn(
          "token \"OutBind\" given more than once: XMail uses the last one with an "
          "address, " +
          quoted(t.raw));
    out_.options.has_out_bind = true;
    out_.options.out_bind = *addr;
  }

  void pin(const Token& t) {
    std::string hex;
    bool ok = t.value.rfind("sha256:", 0) == 0;
    for (size_t i = 7; ok && i < t.value.size(); ++i) {
      char c = t.value[i];
      if (c == ':') continue;
      ok = is_hex_digit(c);
      hex += ascii_lower(c);
    }
    if (!ok || hex.size() != 64)
      return fail("token " + quoted(t.raw) + ": want sha256: and 64 hex digits");
    out_.options.pin_sha256 = hex;
  }

  void sasl(const Token& t) {
    static constexpr std::array<SaslMech, 7> mechs = {
        SaslMech::plain,        SaslMech::login,   SaslMech::cram_md5,   SaslMech::scram_sha1,
        SaslMech::scram_sha256, SaslMech::xoauth2, SaslMech::oauthbearer};
    for (SaslMech m : mechs) {
      if (iequals(t.value, to_string(m))) {
        out_.options.method = AuthMethod::sasl;
        out_.options.sasl = m;
        return;
      }
    }
    fail("token " + quoted(t.raw) +
         ": unknown mechanism (want PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256, "
         "XOAUTH2 or OAUTHBEARER)");
  }

  void oauth(const Token& t) {
    if (std::string why = token_file_name_problem(t.value); !why.empty())
      return fail("token " + quoted(t.raw) + ": " + why + " (a file in MAIL_ROOT/oauth/)");
    out_.options.oauth_file = t.value;
  }

  void keep_days(const Token& t) {
    auto n = parse_decimal(t.value, 36500);
    if (!n || *n == 0)
      return fail("token " + quoted(t.raw) + ": want a number of days from 1 to 36500");
    out_.options.keep_days = static_cast<unsigned>(*n);
  }

  void max_size(const Token& t) {
    std::string_view digits = t.value;
    uint64_t unit = 1;
    char last = digits.back();
    if (last == 'k' || last == 'K') unit = 1024;
    if (last == 'm' || last == 'M') unit = 1024 * 1024;
    if (unit != 1) digits.remove_suffix(1);
    auto n = parse_decimal(digits, (uint64_t{1} << 50) / unit);
    if (!n || *n == 0)
      return fail("token " + quoted(t.raw) + ": want a size such as 500000, 800k or 20m");
    out_.options.max_size = *n * unit;
  }

  void size_action(const Token& t) {
    if (t.value == "skip")
      out_.options.size_action = SizeAction::skip;
    else if (t.value == "delete")
      out_.options.size_action = SizeAction::del;
    else
      fail("token " + quoted(t.raw) + ": want skip or delete");
  }

  // UPopCreateChannel: POP3S connects in TLS and then never sends STLS; FSTLS adds "required"
  // to STLS; FAPOP adds "no USER/PASS fallback" to APOP; CLR sets nothing.
  void resolve_xmail_flags() {
    AuthOptions& o = out_.options;
    if (seen("POP3S"))
      o.tls = TlsMode::implicit;
    else if (seen("FSTLS"))
      o.tls = TlsMode::force_starttls;
    else if (seen("STLS"))
      o.tls = TlsMode::starttls;
    if (seen("FAPOP"))
      o.method = AuthMethod::force_apop;
    else if (seen("APOP"))
      o.method = AuthMethod::apop;
    const char* clr = seen("CLR") ? "; CLR means nothing to XMail" : "";
    xmail_meaning({"POP3S", "STLS", "FSTLS"}, "POP3S",
                  "POP3S (TLS from the first byte; STLS is never sent on it)") ||
        xmail_meaning({"STLS", "FSTLS"}, "FSTLS", "FSTLS (the link fails when STLS is refused)");
    xmail_meaning({"CLR", "APOP", "FAPOP"}, "FAPOP",
                  std::string("FAPOP (APOP only, no USER/PASS fallback") + clr + ")") ||
        xmail_meaning({"CLR", "APOP"}, "APOP",
                      "APOP (CLR means nothing to XMail; APOP falls back to USER/PASS when "
                      "the greeting has no timestamp or the server refuses it)");
    leave_outcome();
  }

  // A warning when two or more of `names` are given and `winner`, one of them, decides.
  bool xmail_meaning(std::initializer_list<std::string_view> names, std::string_view winner,
                     const std::string& meaning) {
    int given = 0;
    for (std::string_view n : names) given += seen(n) ? 1 : 0;
    if (!seen(winner) || given < 2) return false;
    warn(written(names) + ": XMail uses " + meaning);
    return true;
  }

  // Reported once every token is read: whether mail stays depends on all the Leave tokens.
  void leave_outcome() {
    const AuthOptions& o = out_.options;
    int count = 0;
    for (const Token& t : tokens_) count += t.name == "Leave" ? 1 : 0;
    for (const Token& t : tokens_) {
      if (t.name != "Leave" || !t.has_value || parse_decimal(t.value, 1u << 30)) continue;
      int n = xmail_atoi(t.value);
      std::string text = quoted(t.raw) + ": XMail reads the value as a number (atoi gives " +
                         std::to_string(n) + ")";
      // A lone Leave=V that turns Leave off deletes the mail the admin meant to keep.
      bool deletes = n <= 0 && count <= 1 && o.keep_days == 0;
      if (n > 0)
        text += ", so Leave is on";
      else if (!deletes)
        text += ", which does not turn Leave on";
      else
        text +=
            ", so Leave is off and fetched mail is deleted from the server; write Leave or "
            "Leave=1 to keep it";
      out_.problems.push_back(
          make_problem(deletes ? Severity::danger : Severity::warning, kField, std::move(text)));
    }
    if (count < 2) return;
    warn(written({"Leave"}) + ": Leave given " + std::to_string(count) +
         " times; XMail keeps mail on the server when any one of them turns Leave on, so " +
         (o.leave ? "Leave is on" : "Leave is off"));
  }

  void contradiction(const char* a, const char* b) {
    if (seen(a) && seen(b))
      fail("tokens " + quoted(a) + " and " + quoted(b) + " contradict each other");
  }

  void check_combinations() {
    // SASL is psyncd's own: against XMail's APOP there is no XMail meaning to fall back on.
    contradiction("APOP", "SASL");
    contradiction("FAPOP", "SASL");
    AuthOptions& o = out_.options;
    if (seen("CLR") && seen("SASL"))
      warn(written({"CLR", "SASL"}) + ": SASL is used (CLR means nothing to XMail)");
    if (seen("KeepDays") && !o.leave && seen("Leave"))
      warn(written({"Leave"}) + ": no effect, KeepDays keeps mail on the server");
    if (o.keep_days > 0) o.leave = true;
    bool tls = seen("STLS") || seen("FSTLS") || seen("POP3S");
    if (seen("NoVerify") && !tls)
      warn("token \"NoVerify\" has no effect without STLS, FSTLS or POP3S");
    // A pin the link could never check would let the password go out in clear text.
    if (seen("Pin") && !tls) fail("token \"Pin\" needs STLS, FSTLS or POP3S");
    const bool oauth_sasl = o.sasl == SaslMech::xoauth2 || o.sasl == SaslMech::oauthbearer;
    if (seen("OAuth") && !oauth_sasl)
      fail("token \"OAuth\" needs SASL=XOAUTH2 or SASL=OAUTHBEARER");
    if (seen("SizeAction") && !seen("MaxSize"))
      warn("token \"SizeAction\" has no effect without MaxSize");
  }

  // Reported once every token is read: a misspelled Leave is harmless when KeepDays keeps
  // the mail anyway, a misspelled STLS when POP3S is also given.
  void report_unknown(const Token& t) {
    std::optional<std::string> guess = meant(t.name);
    std::string text =
        "unknown token " + quoted(t.raw) + " (ignored" + unknown_hint(t.name, guess) + ")";
    std::string cost = guess ? cost_of_missing(*guess) : std::string();
    if (cost.empty()) return warn(std::move(text));
    out_.problems.push_back(make_problem(Severity::danger, kField, text + ": " + cost));
  }

  // What the link does without the token the admin probably meant; empty when harmless.
  std::string cost_of_missing(const std::string& token) const {
    const AuthOptions& o = out_.options;
    if ((token == "Leave" || token == "KeepDays") && !leave_mode(o))
      return "without it fetched mail is deleted from the server";
    bool tls_token = token == "STLS" || token == "FSTLS" || token == "POP3S";
    if (tls_token && o.tls == TlsMode::none)
      return "without it the link logs in without TLS (the password goes in clear)";
    bool auth_token = token == "APOP" || token == "FAPOP" || token == "SASL";
    if (auth_token && o.tls == TlsMode::none && o.method == AuthMethod::user_pass)
      return "without it the link logs in with USER/PASS without TLS (the password goes in "
             "clear)";
    return {};
  }

  ParsedAuthtype out_;
  std::vector<Token> tokens_;   // the known tokens, in field order
  std::vector<Token> unknown_;  // the others, in field order
};

}  // namespace

ParsedAuthtype parse_authtype(std::string_view text) { return Parser().run(text); }

const char* to_string(SaslMech mech) {
  switch (mech) {
    case SaslMech::none:
      return "none";
    case SaslMech::plain:
      return "PLAIN";
    case SaslMech::login:
      return "LOGIN";
    case SaslMech::cram_md5:
      return "CRAM-MD5";
    case SaslMech::scram_sha1:
      return "SCRAM-SHA-1";
    case SaslMech::scram_sha256:
      return "SCRAM-SHA-256";
    case SaslMech::xoauth2:
      return "XOAUTH2";
    case SaslMech::oauthbearer:
      return "OAUTHBEARER";
  }
  return "none";
}

}  // namespace psyncd::psync
