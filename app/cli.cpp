#include "app/cli.hpp"

#include <unistd.h>

#include <iostream>

#include "app/check.hpp"
#include "app/once_report.hpp"
#include "app/service.hpp"

#ifndef PSYNCD_VERSION
#define PSYNCD_VERSION "unknown"
#endif

namespace psyncd::app {

int run_cli(const std::vector<std::string>& args, const Environment& env, std::ostream& out,
            std::ostream& err) {
  auto options = parse_options(args, env);
  if (!options) {
    err << "psyncd: " << options.error().to_string() << '\n';
    return exit_code(options.error().kind);
  }
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
  }
  return exit_code(ErrorKind::internal);
}

}  // namespace psyncd::app
