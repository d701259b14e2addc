// SCRAM-SHA-256 through the server session, with a test client written from RFC 5802/7677
// (checked first against RFC 7677's example exchange).
#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "pop3/base64.hpp"
#include "pop3/server/sasl_mechanism.hpp"
#include "pop3/server/session.hpp"
#include "tests/support/pop3/server/server_fakes.hpp"

using namespace psyncd::pop3;
using namespace psyncd::pop3::test;

namespace {

std::string sha256(const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string attr(const std::string& msg, const std::string& key) {
  const auto at = msg.find(key + "=");
  const auto end = msg.find(',', at);
  return msg.substr(at + key.size() + 1,
                    end == std::string::npos ? end : end - at - key.size() - 1);
}

struct ClientFinal {
  std::string message;   // client-final-message
  std::string verifier;  // the "v=..." the server must send back
};

// client_first_bare e.g. "n=user,r=abc"; server_first as received.
ClientFinal scram_client_final(const std::string& password, const std::string& client_first_bare,
                               const std::string& server_first) {
  const std::string salt = *base64_decode(attr(server_first, "s"));
  const int iterations = std::stoi(attr(server_first, "i"));
  std::string salted(32, '\0');
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(salt.data()),
                    static_cast<int>(salt.size()), iterations, EVP_sha256(), 32,
                    reinterpret_cast<unsigned char*>(salted.data()));
  const std::string without_proof = "c=biws,r=" + attr(server_first, "r");
  const std::string auth_message = client_first_bare + "," + server_first + "," + without_proof;
  const std::string client_key = hmac("SHA256", salted, "Client Key");
  std::string proof = client_key;
  const std::string sig = hmac("SHA256", sha256(client_key), auth_message);
  for (std::size_t i = 0; i < proof.size(); ++i) proof[i] = static_cast<char>(proof[i] ^ sig[i]);
  const std::string server_sig = hmac("SHA256", hmac("SHA256", salted, "Server Key"), auth_message);
  return {without_proof + ",p=" + base64_encode(proof), "v=" + base64_encode(server_sig)};
}

// The challenge carried by the last "+ " line of output, decoded.
std::string last_challenge(const std::string& output) {
  const auto at = output.rfind("+ ");
  return *base64_decode(output.substr(at + 2, output.find("\r\n", at) - at - 2));
}

}  // namespace

TEST_CASE("SCRAM test client reproduces RFC 7677's example") {
  auto final_msg = scram_client_final(
      "pencil", "n=user,r=rOprNGfwEbeRWgbNEkqO",
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
  CHECK(final_msg.message ==
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
  CHECK(final_msg.verifier == "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
}

TEST_CASE("session: SCRAM-SHA-256 exchange") {
  struct Case {
    const char* name;
    std::string user;
    std::string password;
    bool ok;
    std::string event;
  };
  const std::vector<Case> cases = {
      {"right password", "alice", "secret", true,
       "authenticated alice@example.test AUTH SCRAM-SHA-256"},
      {"wrong password", "alice", "nope", false,
       "login_failed alice AUTH SCRAM-SHA-256 bad credentials: SCRAM proof mismatch"},
      {"unknown user", "zed", "x", false,
       "login_failed zed AUTH SCRAM-SHA-256 bad credentials: no such user"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    FakeAuth auth;
    auth.accounts["alice"] = {"secret"};
    auth.messages = {{"u1", "x\r\n"}};
    SessionConfig config;
    config.greeting = "ready";
    config.cleartext_before_tls = true;
    config.random = [](std::size_t n) { return std::string(n, 'A'); };
    Session s(config, auth);
    run_session(s, "", 0);
    const std::string bare = "n=" + c.user + ",r=cnonce";
    auto t1 = run_session(s, "AUTH SCRAM-SHA-256 " + base64_encode("n,," + bare) + "\r\n", 0);
    const std::string server_first = last_challenge(t1.output);
    CHECK(server_first == "r=cnonce" + base64_encode(std::string(18, 'A')) +
                              ",s=" + base64_encode(std::string(16, 'A')) + ",i=4096");
    auto fin = scram_client_final(c.password, bare, server_first);
    auto t2 = run_session(s, base64_encode(fin.message) + "\r\n", 1);
    if (!c.ok) {
      CHECK(t2.output == "-ERR [AUTH] invalid user name or password\r\n");
      CHECK(t2.events == std::vector<std::string>{c.event});
      continue;
    }
    CHECK(t2.output == "+ " + base64_encode(fin.verifier) + "\r\n");
    auto t3 = run_session(s, "\r\n", 0);
    CHECK(t3.output == "+OK maildrop has 1 messages (3 octets)\r\n");
    CHECK(t3.events == std::vector<std::string>{c.event});
  }
}

TEST_CASE("session: SCRAM-SHA-256 bad input") {
  struct Case {
    const char* name;
    std::string first;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"channel binding", "p=tls-unique,,n=alice,r=x",
       "-ERR SCRAM channel binding is not supported"},
      {"no nonce", "n,,n=alice", "-ERR malformed SCRAM client-first message"},
      {"bad escape", "n,,n=a=2Xb,r=x", "-ERR malformed SCRAM client-first message"},
      {"empty user", "n,,n=,r=x", "-ERR malformed SCRAM client-first message"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    FakeAuth auth;
    auth.accounts["alice"] = {"secret"};
    SessionConfig config;
    config.cleartext_before_tls = true;
    Session s(config, auth);
    run_session(s, "", 0);
    auto t = run_session(s, "AUTH SCRAM-SHA-256 " + base64_encode(c.first) + "\r\n", 0);
    CHECK(t.output == c.want + "\r\n");
  }
  // A final message with another nonce is refused.
  FakeAuth auth;
  auth.accounts["alice"] = {"secret"};
  SessionConfig config;
  Session s(config, auth);
  run_session(s, "", 0);
  run_session(s, "AUTH SCRAM-SHA-256 " + base64_encode("n,,n=alice,r=abc") + "\r\n", 0);
  auto t = run_session(s, base64_encode("c=biws,r=other,p=AAAA") + "\r\n", 0);
  CHECK(t.output == "-ERR SCRAM nonce mismatch\r\n");
}
