#include "psync/relay_config.hpp"

#include <catch2/catch.hpp>

#include "spool/password.hpp"
#include "tabfile/tab_reader.hpp"

using namespace psyncd;

namespace {

spool::ServerConfig server(const std::string& text) {
  return spool::ServerConfig::from_table(tabfile::parse(text, "server.tab"));
}

}  // namespace

TEST_CASE("relay settings: off without DefaultSMTPGateways, XMail's variables when set") {
  CHECK(psync::load_relay_config(server("\"RootDomain\"\t\"x.org\"\n")) == nullptr);
  std::string pw = spool::encode_password("secret");
  auto c = psync::load_relay_config(
      server("\"DefaultSMTPGateways\"\t\"gw.example:587,Auth=u,Password=" + pw +
             "\"\n"
             "\"SmtpGwConfig\"\t\"NeedTLS=2\"\n\"MaxMTAOps\"\t\"5\"\n\"PsyncRelayOutside\"\t\"1\"\n"
             "\"HeloDomain\"\t\"me.example\"\n"));
  REQUIRE(c != nullptr);
  CHECK(c->broken.empty());
  REQUIRE(c->gateways.gateways.size() == 1);
  CHECK(c->gateways.gateways[0].password == "secret");
  CHECK(c->gateways.gateways[0].tls == smtp::TlsMode::starttls);
  CHECK(c->outside);
  CHECK(c->max_mta_ops == 5);
  CHECK(c->helo == "me.example");
}

TEST_CASE("relay settings: a bad gateway keeps the relay on but broken, and --check says so") {
  auto s = server("\"DefaultSMTPGateways\"\t\"gw:99999\"\n\"MaxMTAOps\"\t\"x\"\n");
  auto c = psync::load_relay_config(s);
  REQUIRE(c != nullptr);
  CHECK(c->broken.find("DefaultSMTPGateways") != std::string::npos);
  auto check = psync::check_relay_config(s, "server.tab");
  REQUIRE(check.errors.size() == 1);
  CHECK(check.errors[0].file == "server.tab");
  CHECK(check.errors[0].text.find("port") != std::string::npos);

  auto odd = psync::check_relay_config(
      server("\"DefaultSMTPGateways\"\t\"gw,Colour=red\"\n\"PsyncRelayOutside\"\t\"1\"\n"),
      "server.tab");
  CHECK(odd.errors.empty());
  REQUIRE(odd.warnings.size() == 1);
  CHECK(odd.warnings[0].field == "Colour");
  auto alone = psync::check_relay_config(server("\"PsyncRelayOutside\"\t\"1\"\n"), "server.tab");
  REQUIRE(alone.warnings.size() == 1);
}
