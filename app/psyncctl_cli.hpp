// psyncctl's command line: [-Ms MAIL_ROOT] [-MM|-Mm] COMMAND ARGS, the commands named as XMail's
// CtrlClnt names them (useradd, poplnkadd, ...) plus mkroot and poplnkpasswd. Each changing
// command takes the admin lock (admin/admin_lock.hpp), calls one function of the admin library
// and prints what it did; list commands print TAB-separated rows. A password given as "-" is
// read from standard input (one line), so it does not show in ps. main() only calls
// run_psyncctl().
#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace psyncd::app {

// args: argv without argv[0]; mail_root_env: $MAIL_ROOT. Returns the exit status (sysexits).
int run_psyncctl(const std::vector<std::string>& args,
                 const std::optional<std::string>& mail_root_env, std::istream& in,
                 std::ostream& out, std::ostream& err);

// The --help text.
std::string psyncctl_usage();

}  // namespace psyncd::app
