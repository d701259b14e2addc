#include "app/oauth_login.hpp"

#include "psync/oauth_login.hpp"
#include "psync/oauth_token_file.hpp"

namespace psyncd::app {

int run_oauth_login(const Options& options, std::ostream& out, std::ostream& err,
                    std::istream& in) {
  const std::string path = psync::token_file_path(options.mail_root, options.oauth_login);
  const psync::LoginSeams io = psync::terminal_login_seams(
      options.mail_root, std::chrono::seconds(options.psync_timeout), out, in);
  auto done = psync::oauth_login(fs::posix(), path, io);
  if (!done) {
    err << "psyncd: --oauth-login: " << done.error().to_string() << '\n';
    return exit_code(done.error().kind);
  }
  return 0;
}

}  // namespace psyncd::app
