#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "psync/authtype.hpp"
#include "psync/fetch_connect.hpp"

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

TEST_CASE("connect options: Pin= becomes libcurl's public key pin") {
  // 32 bytes 0x00 0x01 ... 0x1f; base64 of them, as `openssl base64` prints it.
  std::string hex;
  for (int i = 0; i < 32; ++i) hex += fmt::format("{:02X}", i);
  auto o = connect_options(link_with("POP3S,Pin=sha256:" + hex), {}, std::chrono::seconds(5));
  CHECK(o.pinned_key == "sha256//AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  CHECK(o.tls == pop3::TlsMode::pop3s);
  CHECK(o.verify);  // the transport skips the chain check because of the pin, not NoVerify
}

TEST_CASE("connect options: no pin, trust files and timeout passed on") {
  auto o = connect_options(link_with("STLS"), TrustFiles{"/m/certs.pem", "/m/certs"},
                           std::chrono::seconds(7));
  CHECK(o.pinned_key.empty());
  CHECK(o.tls == pop3::TlsMode::stls);
  CHECK(o.ca_file == "/m/certs.pem");
  CHECK(o.ca_path == "/m/certs");
  CHECK(o.connect_timeout == std::chrono::seconds(7));
  CHECK(o.host == "pop.example.com");
  CHECK(o.port == 995);
}
