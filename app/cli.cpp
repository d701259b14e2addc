#include "app/cli.hpp"

#include <unistd.h>

#include <iostream>

#include "app/check.hpp"
#include "app/oauth_login.hpp"
#include "app/once_report.hpp"
#include "app/probe.hpp"
#include "app/service.hpp"
#include "common/log.hpp"
#include "spool/mail_root.hpp"
#include "spool/server_config.hpp"
#include "spool/server_variables.hpp"

#ifndef PSYNCD_VERSION
#define PSYNCD_VERSION "unknown"
#endif

namespace psyncd::app {

namespace {

// --log-level, else server.tab's LogLevel, else info.
void apply_log_level(const Options& o) {
  std::string level = o.log_level;
  if (level.empty()) {
    auto server = spool::ServerConfig::load(spool::MailRoot(o.mail_root).server_tab());
    if (server) level = server->get("LogLevel").value_or("");
  }
  if (auto parsed = spool::parse_log_level(level)) log::set_min_level(*parsed);
}

}  // namespace

int run_cli(const std::vector<std::string>& args, const Environment& env, std::ostream& out,
            std::ostream& err) {
  auto options = parse_options(args, env);
  if (!options) {
    err << "psyncd: " << options.error().to_string() << '\n';
    return exit_code(options.error().kind);
  }
  if (options->mode != Mode::help && options->mode != Mode::version) apply_log_level(*options);
  switch (options->mode) {
    case Mode::help:
      out << usage_text();
      return 0;
    case Mode::version:
      out << "psyncd " << PSYNCD_VERSION << '\n';
      return 0;
    case Mode::check: {
      CheckOptions check;
      check.mailbox_format = options->mailbox_format == MailboxFormat::mailbox;
      return run_check(options->mail_root, out, check);
    }
    case Mode::run:
      return run_service(*options, out, err);
    case Mode::once: {
      // Live progress only when our stdout is a terminal; pipes keep the stable text.
      bool live = &out == &std::cout && ::isatty(STDOUT_FILENO) == 1;
      return run_once_report(*options, out, err, live);
    }
    case Mode::status:
      return print_status(*options, out, err);
    case Mode::probe:
      return run_probe(*options, out, err);
    case Mode::oauth_login:
      return run_oauth_login(*options, out, err, std::cin);
  }
  return exit_code(ErrorKind::internal);
}

}  // namespace psyncd::app
