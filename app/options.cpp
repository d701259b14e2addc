#include "app/options.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <limits>

#include "common/decimal.hpp"
#include "psync/link_remote.hpp"
#include "psync/oauth_token_file.hpp"

namespace psyncd::app {

namespace {

constexpr uint64_t kMaxSeconds = std::numeric_limits<int32_t>::max();

Error usage_error(std::string flag, std::string text) {
  return Error{ErrorKind::usage, {}, 0, std::move(flag), std::move(text)};
}

// A flag without a value.
struct Switch {
  const char* name;
  void (*apply)(Options&);
};

// A flag with a decimal value in [min, max].
struct Number {
  const char* name;
  uint64_t min;
  uint64_t max;
  void (*apply)(Options&, unsigned);
};

const std::array<Switch, 19> kSwitches = {{
    {"-Yl", [](Options& o) { o.psync_log = true; }},
    {"-Y-", [](Options& o) { o.psync_enabled = false; }},
    {"-P6", [](Options& o) { o.pop3.ipv6 = true; }},
    {"-Ph", [](Options& o) { o.pop3_hangup = true; }},
    {"-Pl", [](Options& o) { o.pop3_log = true; }},
    {"-P-", [](Options& o) { o.pop3.enabled = false; }},
    {"-B6", [](Options& o) { o.pop3s.ipv6 = true; }},
    {"-B-", [](Options& o) { o.pop3s.enabled = false; }},
    {"-MM", [](Options& o) { o.mailbox_format = MailboxFormat::maildir; }},
    {"-Mm", [](Options& o) { o.mailbox_format = MailboxFormat::mailbox; }},
    {"--xmail-handoff", [](Options& o) { o.xmail_handoff = true; }},
    {"--once", [](Options& o) { o.mode = Mode::once; }},
    {"--check", [](Options& o) { o.mode = Mode::check; }},
    {"--status", [](Options& o) { o.mode = Mode::status; }},
    {"--trace", [](Options& o) { o.trace = true; }},
    {"--json", [](Options& o) { o.json = true; }},
    // --help and --version win over everything else; run() sets the mode.
    {"--help", [](Options&) {}},
    {"-h", [](Options&) {}},
    {"--version", [](Options&) {}},
}};

const std::array<Number, 10> kNumbers = {{
    {"-Yi", 0, kMaxSeconds, [](Options& o, unsigned v) { o.psync_interval = v; }},
    // XMail clamps the thread count instead of refusing it.
    {"-Yt", 0, kMaxSeconds,
     [](Options& o, unsigned v) { o.psync_threads = std::clamp(v, 1u, 32u); }},
    {"-YT", 1, kMaxSeconds, [](Options& o, unsigned v) { o.psync_timeout = v; }},
    {"-Pp", 1, 65535, [](Options& o, unsigned v) { o.pop3.port = static_cast<uint16_t>(v); }},
    {"-Pt", 1, kMaxSeconds, [](Options& o, unsigned v) { o.pop3_timeout = v; }},
    {"-Pw", 0, kMaxSeconds, [](Options& o, unsigned v) { o.pop3_login_delay = v; }},
    {"-PX", 1, 1000000, [](Options& o, unsigned v) { o.pop3_max_sessions = v; }},
    {"-Bp", 1, 65535, [](Options& o, unsigned v) { o.pop3s.port = static_cast<uint16_t>(v); }},
    {"-Mr", 1, 24 * 366, [](Options& o, unsigned v) { o.log_rotate_hours = v; }},
    {"-Mx", 1, 1000, [](Options& o, unsigned v) { o.spool_split = v; }},
}};

bool is_mode_flag(const std::string& flag) {
  return flag == "--once" || flag == "--check" || flag == "--status" || flag == "--probe" ||
         flag == "--oauth-login";
}

class Parser {
 public:
  explicit Parser(std::vector<std::string> args) : args_(std::move(args)) {}

  Result<Options> run(const Environment& env) {
    if (env.mail_root) out_.mail_root = *env.mail_root;
    for (i_ = 0; i_ < args_.size(); ++i_) {
      auto r = one(args_[i_]);
      if (!r) return r.error();
    }
    if (help_)
      out_.mode = Mode::help;
    else if (version_)
      out_.mode = Mode::version;
    if (help_ || version_) return std::move(out_);
    if (out_.mail_root.empty())
      return usage_error("-Ms", "no MAIL_ROOT: give -Ms path or set MAIL_ROOT");
    // A trace is for a run being looked at: the daemon would trace every link every cycle.
    if (out_.trace && out_.mode != Mode::once && out_.mode != Mode::probe)
      return usage_error("--trace", "needs --once or --probe");
    if (out_.json && out_.mode != Mode::status) return usage_error("--json", "needs --status");
    return std::move(out_);
  }

 private:
  Result<std::string> value(const std::string& flag) {
    if (i_ + 1 >= args_.size() || args_[i_ + 1].empty()) return usage_error(flag, "missing value");
    return args_[++i_];
  }

  Result<void> one(const std::string& flag) {
    for (const Switch& s : kSwitches) {
      if (flag != s.name) continue;
      if (is_mode_flag(flag)) {
        if (!mode_flag_.empty() && mode_flag_ != flag)
          return usage_error(flag, "cannot be combined with " + mode_flag_);
        mode_flag_ = flag;
      }
      if (flag == "--help" || flag == "-h") help_ = true;
      if (flag == "--version") version_ = true;
      s.apply(out_);
      return {};
    }
    for (const Number& n : kNumbers) {
      if (flag != n.name) continue;
      auto text = value(flag);
      if (!text) return text.error();
      auto v = parse_decimal(*text, n.max);
      if (!v || *v < n.min)
        return usage_error(flag, "\"" + *text + "\" is not a number from " + std::to_string(n.min) +
                                     " to " + std::to_string(n.max));
      n.apply(out_, static_cast<unsigned>(*v));
      return {};
    }
    if (flag == "-Ms") {
      auto text = value(flag);
      if (!text) return text.error();
      out_.mail_root = *text;
      return {};
    }
    if (flag == "-PI" || flag == "-BI") return bind(flag);
    if (flag == "--probe") return probe(flag);
    if (flag == "--oauth-login") return oauth_login(flag);
    if (flag == "--log-level") return log_level(flag);
    return usage_error(flag, "unknown flag (see psyncd --help)");
  }

  // A mode flag with a value: --probe LINK, --oauth-login NAME.
  Result<std::string> mode_value(const std::string& flag, Mode mode) {
    if (!mode_flag_.empty() && mode_flag_ != flag)
      return usage_error(flag, "cannot be combined with " + mode_flag_);
    mode_flag_ = flag;
    auto text = value(flag);
    if (!text) return text.error();
    out_.mode = mode;
    return text;
  }

  Result<void> probe(const std::string& flag) {
    auto text = mode_value(flag, Mode::probe);
    if (!text) return text.error();
    out_.probe_link = *text;
    return {};
  }

  Result<void> oauth_login(const std::string& flag) {
    auto text = mode_value(flag, Mode::oauth_login);
    if (!text) return text.error();
    if (std::string problem = psync::token_file_name_problem(*text); !problem.empty())
      return usage_error(
          flag, "\"" + *text + "\": " + problem + " (NAME is the token file MAIL_ROOT/oauth/NAME)");
    out_.oauth_login = *text;
    return {};
  }

  Result<void> log_level(const std::string& flag) {
    auto text = value(flag);
    if (!text) return text.error();
    if (*text != "error" && *text != "warning" && *text != "info" && *text != "debug")
      return usage_error(flag, "\"" + *text + "\" is not one of error, warning, info, debug");
    out_.log_level = *text;
    return {};
  }

  Result<void> bind(const std::string& flag) {
    auto text = value(flag);
    if (!text) return text.error();
    auto addr = psync::parse_remote(*text, 1);
    if (!addr) return usage_error(flag, addr.error().text);
    (flag == "-PI" ? out_.pop3 : out_.pop3s).bind.push_back(*text);
    return {};
  }

  std::vector<std::string> args_;
  size_t i_ = 0;
  Options out_;
  std::string mode_flag_;
  bool help_ = false;
  bool version_ = false;
};

// MAIL_CMD_LINE is split on spaces (runs of them), as XMail splits it.
std::vector<std::string> split_spaces(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = text.find_first_not_of(' ', pos);
    if (start == std::string::npos) break;
    size_t end = std::min(text.find(' ', start), text.size());
    out.push_back(text.substr(start, end - start));
    pos = end;
  }
  return out;
}

}  // namespace

Environment Environment::from_process() {
  Environment env;
  if (const char* v = std::getenv("MAIL_ROOT")) env.mail_root = v;
  if (const char* v = std::getenv("MAIL_CMD_LINE")) env.mail_cmd_line = v;
  return env;
}

Result<Options> parse_options(const std::vector<std::string>& args, const Environment& env) {
  std::vector<std::string> all = args;
  if (env.mail_cmd_line) {
    for (std::string& a : split_spaces(*env.mail_cmd_line)) all.push_back(std::move(a));
  }
  return Parser(std::move(all)).run(env);
}

}  // namespace psyncd::app
