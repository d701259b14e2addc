// psyncd --oauth-login NAME: the terminal side of psync/oauth_login.hpp. It prints the sign-in
// instructions on stdout, reads a pasted address from stdin (the code flow), and prints an
// error naming the token file and field, or the endpoint, on stderr.
#pragma once

#include <istream>
#include <ostream>

#include "app/options.hpp"

namespace psyncd::app {

// Exit status 0 when the refresh token is stored; else the error kind's (64 usage: a pasted
// address that does not fit, 78 config: the token file, 77 auth: declined, expired or refused,
// 69/75/76: the endpoint could not be reached, is busy, or answered nonsense).
int run_oauth_login(const Options& options, std::ostream& out, std::ostream& err, std::istream& in);

}  // namespace psyncd::app
