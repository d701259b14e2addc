#include "psync/authtype.hpp"

#include <algorithm>
#include <array>

#include "common/ascii.hpp"
#include "common/decimal.hpp"
#include "common/hex.hpp"

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

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

constexpr std::array<const char*, 15> kKnown = {
    "CLR",      "APOP", "FAPOP", "STLS",     "FSTLS",  "POP3S",   "Leave",     "OutBind",
    "NoVerify", "Pin",  "SASL",  "KeepDays", "UseTop", "MaxSize", "SizeAction"};

bool is_known(std::string_view name) {
  return std::any_of(kKnown.begin(), kKnown.end(), [&](const char* k) { return name == k; });
}

bool is_flag(std::string_view name) {
  for (const char* f : {"CLR", "APOP", "FAPOP", "STLS", "FSTLS", "POP3S", "NoVerify", "UseTop"})
    if (name == f) return true;
  return false;
}

// Why an unknown token did not match, so a typo is easy to fix.
std::string unknown_hint(const std::string& name) {
  for (const char* k : kKnown)
    if (iequals(name, k)) return "; option names are case-sensitive: " + quoted(k);
  size_t first = name.find_first_not_of(" \t");
  size_t last = name.find_last_not_of(" \t");
  if (first != std::string::npos && (first > 0 || last + 1 < name.size()) &&
      is_known(name.substr(first, last - first + 1)))
    return "; spaces are not trimmed";
  return "";
}

class Parser {
 public:
  ParsedAuthtype run(std::string_view text) {
    for (const Token& t : tokenize(text)) one(t);
    check_combinations();
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
    return std::find(seen_.begin(), seen_.end(), name) != seen_.end();
  }

  void one(const Token& t) {
    if (!is_known(t.name)) {
      out_.options.unknown.push_back(t.raw);
      warn("unknown token " + quoted(t.raw) + " (ignored" + unknown_hint(t.name) + ")");
      return;
    }
    if (seen(t.name)) warn("token " + quoted(t.name) + " given more than once (the last one wins)");
    seen_.push_back(t.name);
    if (is_flag(t.name)) {
      // XMail compares names only, so "APOP=1" is APOP.
      if (t.has_value) warn("token " + quoted(t.raw) + ": value ignored");
      flag(t.name);
      return;
    }
    valued(t);
  }

  void flag(std::string_view name) {
    AuthOptions& o = out_.options;
    if (name == "APOP") o.method = AuthMethod::apop;
    if (name == "FAPOP") o.method = AuthMethod::force_apop;
    if (name == "STLS") o.tls = TlsMode::starttls;
    if (name == "FSTLS") o.tls = TlsMode::force_starttls;
    if (name == "POP3S") o.tls = TlsMode::implicit;
    if (name == "NoVerify") o.verify_peer = false;
    if (name == "UseTop") o.use_top = true;
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
  }

  void leave(const Token& t) {
    if (!t.has_value) {
      out_.options.leave = true;
      leave_zero_ = false;
      return;
    }
    auto n = parse_decimal(t.value, 1u << 30);
    if (!n) return fail("token " + quoted(t.raw) + ": value is not a number");
    out_.options.leave = *n > 0;  // XMail: Leave=0 means off
    leave_zero_ = *n == 0;
  }

  void out_bind(const Token& t) {
    if (!t.has_value || t.value.empty()) {
      warn("token " + quoted(t.raw) + " has no address (ignored, as XMail does)");
      return;
    }
    auto addr = parse_remote(t.value, 0, true);
    if (!addr) return fail("token " + quoted(t.raw) + ": " + addr.error().text);
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
    static constexpr std::array<SaslMech, 5> mechs = {SaslMech::plain, SaslMech::login,
                                                      SaslMech::cram_md5, SaslMech::scram_sha1,
                                                      SaslMech::scram_sha256};
    for (SaslMech m : mechs) {
      if (iequals(t.value, to_string(m))) {
        out_.options.method = AuthMethod::sasl;
        out_.options.sasl = m;
        return;
      }
    }
    fail("token " + quoted(t.raw) +
         ": unknown mechanism (want PLAIN, LOGIN, CRAM-MD5, SCRAM-SHA-1 or SCRAM-SHA-256)");
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

  void contradiction(const char* a, const char* b) {
    if (seen(a) && seen(b))
      fail("tokens " + quoted(a) + " and " + quoted(b) + " contradict each other");
  }

  void check_combinations() {
    contradiction("POP3S", "STLS");
    contradiction("POP3S", "FSTLS");
    contradiction("STLS", "FSTLS");
    contradiction("APOP", "FAPOP");
    contradiction("CLR", "APOP");
    contradiction("CLR", "FAPOP");
    contradiction("CLR", "SASL");
    contradiction("APOP", "SASL");
    contradiction("FAPOP", "SASL");
    AuthOptions& o = out_.options;
    if (seen("KeepDays") && leave_zero_)
      fail("tokens \"KeepDays\" and \"Leave=0\" contradict each other");
    if (o.keep_days > 0) o.leave = true;
    bool tls = seen("STLS") || seen("FSTLS") || seen("POP3S");
    if (seen("NoVerify") && !tls)
      warn("token \"NoVerify\" has no effect without STLS, FSTLS or POP3S");
    // A pin the link could never check would let the password go out in clear text.
    if (seen("Pin") && !tls) fail("token \"Pin\" needs STLS, FSTLS or POP3S");
    if (seen("SizeAction") && !seen("MaxSize"))
      warn("token \"SizeAction\" has no effect without MaxSize");
  }

  ParsedAuthtype out_;
  std::vector<std::string> seen_;
  bool leave_zero_ = false;
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
  }
  return "none";
}

}  // namespace psyncd::psync
