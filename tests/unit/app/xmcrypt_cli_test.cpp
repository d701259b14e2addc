// app/xmcrypt_cli.hpp: xmcrypt encodes its one argument; --help prints the usage instead of
// being encoded.
#include "app/xmcrypt_cli.hpp"

#include <catch2/catch.hpp>
#include <sstream>

#include "spool/password.hpp"

using psyncd::app::run_xmcrypt;

namespace {

struct Run {
  int status;
  std::string out;
  std::string err;
};

Run xmcrypt(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  int status = run_xmcrypt(args, out, err);
  return {status, out.str(), err.str()};
}

}  // namespace

TEST_CASE("xmcrypt prints XMail's encoding of its argument") {
  Run r = xmcrypt({"xmail"});
  CHECK(r.status == 0);
  CHECK(r.out == "1d08040c09\n");
  CHECK(r.err.empty());
}

TEST_CASE("xmcrypt --help and -h print the usage, not an encoding") {
  for (const char* flag : {"--help", "-h"}) {
    Run r = xmcrypt({flag});
    CHECK(r.status == 0);
    CHECK(r.out.rfind("usage: xmcrypt PASSWORD\n", 0) == 0);
    CHECK(r.out.find(psyncd::spool::encode_password(flag)) == std::string::npos);
  }
}

TEST_CASE("xmcrypt -- encodes a password that starts with '-'") {
  Run r = xmcrypt({"--", "--help"});
  CHECK(r.status == 0);
  CHECK(r.out == psyncd::spool::encode_password("--help") + "\n");
}

TEST_CASE("xmcrypt without a password, or with two, is a usage error") {
  for (const auto& args : std::vector<std::vector<std::string>>{{}, {"--"}, {"a", "b"}}) {
    Run r = xmcrypt(args);
    CHECK(r.status == 1);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("usage: xmcrypt", 0) == 0);
  }
}
