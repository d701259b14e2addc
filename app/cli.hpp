// What psyncd does with its parsed command line: --help, --version, --check, --once (one
// PSYNC cycle, run_psync), --status (print_status) and the service (run_service, the default).
// main() only calls run_cli().
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "app/options.hpp"

namespace psyncd::app {

// args: argv without argv[0]. Returns the process exit status (sysexits codes for failures).
int run_cli(const std::vector<std::string>& args, const Environment& env, std::ostream& out,
            std::ostream& err);

}  // namespace psyncd::app
