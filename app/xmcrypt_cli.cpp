#include "app/xmcrypt_cli.hpp"

#include "spool/password.hpp"

namespace psyncd::app {

namespace {

constexpr const char* kUsage =
    "usage: xmcrypt PASSWORD\n"
    "       xmcrypt -- PASSWORD   (a password that starts with '-')\n"
    "Prints XMail's encoding of PASSWORD (each byte XOR 0x65 as two hex digits) for\n"
    "mailusers.tab field 3 and pop3links.tab field 5.\n";

}  // namespace

int run_xmcrypt(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  size_t i = 0;
  if (i < args.size() && (args[i] == "--help" || args[i] == "-h")) {
    out << kUsage;
    return 0;
  }
  if (i < args.size() && args[i] == "--") ++i;
  if (i >= args.size() || i + 1 < args.size()) {
    err << kUsage;
    return 1;
  }
  out << spool::encode_password(args[i]) << '\n';
  return 0;
}

}  // namespace psyncd::app
