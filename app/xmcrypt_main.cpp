// xmcrypt PASSWORD: prints XMail's encoding of PASSWORD (for mailusers.tab field 2 and
// pop3links.tab field 4) and a newline. Same interface as XMail's XMCrypt tool.
#include <cstdio>
#include <string>

#include "spool/password.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PASSWORD\n", argc > 0 ? argv[0] : "xmcrypt");
    return 1;
  }
  std::string encoded = psyncd::spool::encode_password(argv[1]);
  std::fprintf(stdout, "%s\n", encoded.c_str());
  return std::fflush(stdout) == 0 ? 0 : 1;
}
