#include "psync/fetch_connect.hpp"

#include <fmt/format.h>

#include <catch2/catch.hpp>

#include "psync/link_authtype.hpp"

using namespace psyncd;
using namespace psyncd::psync;

namespace {

Link link_with(const std::string& authtype) {
  Link l;
  l.remote = RemoteAddress{"pop.example.com", 995};
  l.auth = parse_authtype(authtype).options;
  return l;
}

}  // namespace

TEST_CASE("connect options: Pin= becomes the transport's certificate pin") {
  // As `openssl x509 -fingerprint -sha256` prints it: upper case, with colons.
  std::string printed, want;
  for (int i = 0; i < 32; ++i) {
    printed += fmt::format("{}{:02X}", i > 0 ? ":" : "", 0xa0 + i % 16);
    want += fmt::format("{:02x}", 0xa0 + i % 16);
  }
  auto o = connect_options(link_with("POP3S,Pin=sha256:" + printed), {}, std::chrono::seconds(5));
  CHECK(o.cert_sha256 == want);
  CHECK(o.pinned_key.empty());
  CHECK(o.tls == pop3::TlsMode::pop3s);
  CHECK(o.verify);  // the transport skips the chain check because of the pin, not NoVerify
}

TEST_CASE("connect options: no pin, trust files and timeout passed on") {
  auto o = connect_options(link_with("STLS"), TrustFiles{"/m/certs.pem", "/m/certs"},
                           std::chrono::seconds(7));
  CHECK(o.cert_sha256.empty());
  CHECK(o.tls == pop3::TlsMode::stls);
  CHECK(o.ca_file == "/m/certs.pem");
  CHECK(o.ca_path == "/m/certs");
  CHECK(o.connect_timeout == std::chrono::seconds(7));
  CHECK(o.host == "pop.example.com");
  CHECK(o.port == 995);
}
