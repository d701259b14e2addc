// psync/oauth_pkce: the verifier and its S256 challenge, checked against RFC 7636 Appendix B.
#include "psync/oauth_pkce.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace psyncd::psync;

TEST_CASE("pkce: RFC 7636 Appendix B", "[oauth]") {
  const unsigned char random[32] = {116, 24,  223, 180, 151, 153, 224, 37,  79,  250, 96,
                                    125, 216, 173, 187, 186, 22,  212, 37,  77,  105, 214,
                                    191, 240, 91,  88,  5,   88,  83,  132, 141, 121};
  const std::string verifier =
      pkce_verifier(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
  CHECK(verifier == "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
  CHECK(verifier.size() == 43);
  CHECK(pkce_challenge_s256(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST_CASE("pkce: base64url has no padding and the URL-safe alphabet", "[oauth]") {
  CHECK(base64url("") == "");
  CHECK(base64url("f") == "Zg");
  CHECK(base64url("fo") == "Zm8");
  CHECK(base64url("foo") == "Zm9v");
  CHECK(base64url("\xfb\xff\xbf") == "-_-_");
}
