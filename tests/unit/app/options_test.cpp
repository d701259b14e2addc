#include "app/options.hpp"

#include <catch2/catch.hpp>

using namespace psyncd;
using namespace psyncd::app;

namespace {

Environment root_env() {
  Environment env;
  env.mail_root = "/var/MailRoot";
  return env;
}

Options parse_ok(const std::vector<std::string>& args, const Environment& env = root_env()) {
  auto r = parse_options(args, env);
  if (!r) FAIL(r.error().to_string());
  return *r;
}

}  // namespace

TEST_CASE("options: defaults") {
  Options o = parse_ok({});
  CHECK(o.mode == Mode::run);
  CHECK(o.mail_root == "/var/MailRoot");
  CHECK(o.psync_enabled);
  CHECK(o.psync_interval == 120);
  CHECK(o.psync_threads == 8);
  CHECK(o.psync_timeout == 90);
  CHECK_FALSE(o.psync_log);
  CHECK(o.pop3.enabled);
  CHECK(o.pop3.port == 110);
  CHECK(o.pop3s.port == 995);
  CHECK(o.pop3_timeout == 600);
  CHECK(o.pop3_login_delay == 5);
  CHECK(o.pop3_max_sessions == 1024);
  CHECK(o.mailbox_format == MailboxFormat::maildir);
  CHECK(o.log_rotate_hours == 24);
  CHECK_FALSE(o.xmail_handoff);
}

TEST_CASE("options: every flag") {
  Options o = parse_ok({"-Ms",   "/m",
                        "-Yi",   "0",
                        "-Yt",   "4",
                        "-YT",   "30",
                        "-Yl",   "-Y-",
                        "-Pp",   "1110",
                        "-PI",   "127.0.0.1",
                        "-PI",   "[::1]:1110",
                        "-P6",   "-Pt",
                        "60",    "-Pw",
                        "0",     "-Ph",
                        "-Pl",   "-PX",
                        "10",    "-P-",
                        "-Bp",   "1995",
                        "-BI",   "0.0.0.0:1995",
                        "-B6",   "-B-",
                        "-Mm",   "-Mr",
                        "12",    "-Mx",
                        "3",     "--xmail-handoff",
                        "--once"});
  CHECK(o.mail_root == "/m");
  CHECK(o.psync_interval == 0);
  CHECK(o.psync_threads == 4);
  CHECK(o.psync_timeout == 30);
  CHECK(o.psync_log);
  CHECK_FALSE(o.psync_enabled);
  CHECK(o.pop3.port == 1110);
  CHECK(o.pop3.bind == std::vector<std::string>{"127.0.0.1", "[::1]:1110"});
  CHECK(o.pop3.ipv6);
  CHECK(o.pop3_timeout == 60);
  CHECK(o.pop3_login_delay == 0);
  CHECK(o.pop3_hangup);
  CHECK(o.pop3_log);
  CHECK(o.pop3_max_sessions == 10);
  CHECK_FALSE(o.pop3.enabled);
  CHECK(o.pop3s.port == 1995);
  CHECK(o.pop3s.bind == std::vector<std::string>{"0.0.0.0:1995"});
  CHECK(o.pop3s.ipv6);
  CHECK_FALSE(o.pop3s.enabled);
  CHECK(o.mailbox_format == MailboxFormat::mailbox);
  CHECK(o.log_rotate_hours == 12);
  CHECK(o.spool_split == 3);
  CHECK(o.xmail_handoff);
  CHECK(o.mode == Mode::once);
}

TEST_CASE("options: -Yt is clamped to 1..32 as XMail does") {
  CHECK(parse_ok({"-Yt", "0"}).psync_threads == 1);
  CHECK(parse_ok({"-Yt", "33"}).psync_threads == 32);
  CHECK(parse_ok({"-Yt", "32"}).psync_threads == 32);
}

TEST_CASE("options: MAIL_CMD_LINE is appended and MAIL_ROOT is the default root") {
  Environment env;
  env.mail_root = "/env/root";
  env.mail_cmd_line = "  -Yi 30   -Pl ";
  Options o = parse_ok({"-Yi", "10"}, env);
  CHECK(o.psync_interval == 30);  // appended, so it comes last and wins
  CHECK(o.pop3_log);
  CHECK(o.mail_root == "/env/root");
  CHECK(parse_ok({"-Ms", "/cli"}, env).mail_root == "/cli");
}

TEST_CASE("options: modes") {
  CHECK(parse_ok({"--check"}).mode == Mode::check);
  CHECK(parse_ok({"--status"}).mode == Mode::status);
  CHECK(parse_ok({"--check", "--check"}).mode == Mode::check);
  // --help and --version need no MAIL_ROOT and win over the other modes.
  CHECK(parse_ok({"--check", "--help"}, {}).mode == Mode::help);
  CHECK(parse_ok({"-h"}, {}).mode == Mode::help);
  CHECK(parse_ok({"--version"}, {}).mode == Mode::version);
  CHECK(usage_text().find("-Yi secs") != std::string::npos);
}

TEST_CASE("options: bad input") {
  struct Case {
    const char* name;
    std::vector<std::string> args;
    const char* want;
  };
  const Case cases[] = {
      {"unknown flag", {"-Zq"}, "-Zq: unknown flag (see psyncd --help)"},
      {"unknown long", {"--onse"}, "--onse: unknown flag (see psyncd --help)"},
      {"missing value", {"-Yi"}, "-Yi: missing value"},
      {"empty value", {"-Ms", ""}, "-Ms: missing value"},
      {"non-numeric", {"-Yi", "abc"}, "-Yi: \"abc\" is not a number from 0 to 2147483647"},
      {"signed", {"-Pt", "-5"}, "-Pt: \"-5\" is not a number from 1 to 2147483647"},
      {"zero port", {"-Pp", "0"}, "-Pp: \"0\" is not a number from 1 to 65535"},
      {"big port", {"-Bp", "70000"}, "-Bp: \"70000\" is not a number from 1 to 65535"},
      {"zero sessions", {"-PX", "0"}, "-PX: \"0\" is not a number from 1 to 1000000"},
      {"space in number", {"-YT", " 9"}, "-YT: \" 9\" is not a number from 1 to 2147483647"},
      {"bad bind",
       {"-PI", "1.2.3.4:x"},
       "-PI: \"1.2.3.4:x\": port \"x\" is not a number from 1 to 65535"},
      {"two modes", {"--once", "--check"}, "--check: cannot be combined with --once"},
      {"probe and once", {"--once", "--probe", "1"}, "--probe: cannot be combined with --once"},
      {"probe without a link", {"--probe"}, "--probe: missing value"},
      {"trace for the daemon", {"--trace"}, "--trace: needs --once or --probe"},
      {"oauth-login and once",
       {"--once", "--oauth-login", "carol"},
       "--oauth-login: cannot be combined with --once"},
      {"oauth-login without a name", {"--oauth-login"}, "--oauth-login: missing value"},
      {"oauth-login out of oauth/",
       {"--oauth-login", "../x"},
       "--oauth-login: \"../x\": file name starts with '.' (NAME is the token file "
       "MAIL_ROOT/oauth/NAME)"},
      {"json without status", {"--once", "--json"}, "--json: needs --status"},
      {"bad log level",
       {"--log-level", "verbose"},
       "--log-level: \"verbose\" is not one of error, warning, info, debug"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    auto r = parse_options(c.args, root_env());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().to_string() == c.want);
    CHECK(r.error().kind == ErrorKind::usage);
  }
  auto no_root = parse_options({"--check"}, {});
  REQUIRE_FALSE(no_root.ok());
  CHECK(no_root.error().to_string() == "-Ms: no MAIL_ROOT: give -Ms path or set MAIL_ROOT");
  Environment env = root_env();
  env.mail_cmd_line = "-Yq";
  auto from_env = parse_options({}, env);
  REQUIRE_FALSE(from_env.ok());
  CHECK(from_env.error().to_string() == "-Yq: unknown flag (see psyncd --help)");
}

TEST_CASE("options: every flag is in the --help text") {
  const std::string help = usage_text();
  for (const char* flag : {"-Ms",     "-Yi",      "-Yt",
                           "-YT",     "-Yl",      "-Y-",
                           "-Pp",     "-PI",      "-P6",
                           "-Pt",     "-Pw",      "-Ph",
                           "-Pl",     "-PX",      "-P-",
                           "-Bp",     "-BI",      "-B6",
                           "-B-",     "-MM",      "-Mm",
                           "-Mr",     "-Mx",      "--once",
                           "--check", "--status", "--xmail-handoff",
                           "--help",  "--version"}) {
    INFO(flag);
    CHECK(help.find(flag) != std::string::npos);
  }
}

TEST_CASE("options: --probe, --trace, --json and --log-level") {
  Options o = parse_ok({"--probe", "3", "--trace", "--log-level", "debug"}, root_env());
  CHECK(o.mode == Mode::probe);
  CHECK(o.probe_link == "3");
  CHECK(o.trace);
  CHECK(o.log_level == "debug");
  CHECK(parse_ok({"--once", "--trace"}, root_env()).trace);
  CHECK(parse_ok({"--status", "--json"}, root_env()).json);
  Options login = parse_ok({"--oauth-login", "carol-m365"}, root_env());
  CHECK(login.mode == Mode::oauth_login);
  CHECK(login.oauth_login == "carol-m365");
}
