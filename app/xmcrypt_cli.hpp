// xmcrypt PASSWORD: prints XMail's encoding of PASSWORD (for mailusers.tab field 3 and
// pop3links.tab field 5) and a newline. Same interface as XMail's XMCrypt tool, except that
// --help and -h print the usage instead of encoding themselves; `xmcrypt -- --help` encodes
// "--help".
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace psyncd::app {

// args: argv without argv[0]. Returns the exit status: 0, or 1 on a usage error.
int run_xmcrypt(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace psyncd::app
