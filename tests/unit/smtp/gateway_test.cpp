#include "smtp/gateway.hpp"

#include <catch2/catch.hpp>

using namespace psyncd::smtp;

TEST_CASE("DefaultSMTPGateways: hosts, ports and XMail's options, in order") {
  auto list = parse_default_gateways("mx1.example.com;mx2.example.com:2525,NeedTLS=2;10.0.0.1",
                                     "OutBind=192.0.2.7");
  REQUIRE(list);
  REQUIRE(list->gateways.size() == 3);
  CHECK_FALSE(list->shuffle);
  CHECK(list->gateways[0].name() == "mx1.example.com:25");
  CHECK(list->gateways[0].tls == TlsMode::none);
  CHECK(list->gateways[1].name() == "mx2.example.com:2525");
  CHECK(list->gateways[1].tls == TlsMode::starttls);
  CHECK(list->gateways[2].host == "10.0.0.1");
  for (const auto& gw : list->gateways) CHECK(gw.out_bind == "192.0.2.7");
}

TEST_CASE("SmtpGwConfig applies after a DefaultSMTPGateways entry's own options") {
  auto list = parse_default_gateways("a,NeedTLS=2", "NeedTLS=1");
  REQUIRE(list);
  CHECK(list->gateways[0].tls == TlsMode::try_starttls);
}

TEST_CASE("psyncd's options: SMTPS, Auth with Password, NoVerify; IPv6 literals") {
  auto list = parse_default_gateways(
      "relay.example.net,SMTPS=1,Auth=fetch,Password=0a0b,NoVerify=1;"
      "[::1]:2525",
      "");
  REQUIRE(list);
  const Gateway& gw = list->gateways[0];
  CHECK(gw.tls == TlsMode::implicit);
  CHECK(gw.port == 465);
  CHECK(gw.user == "fetch");
  CHECK(gw.password_encoded == "0a0b");
  CHECK(gw.no_verify);
  CHECK(list->gateways[1].host == "::1");
  CHECK(list->gateways[1].name() == "[::1]:2525");
}

TEST_CASE("bad gateway values are errors naming the field; unknown options are warnings") {
  CHECK_FALSE(parse_default_gateways("a:0", ""));
  CHECK_FALSE(parse_default_gateways("a:99999", ""));
  CHECK_FALSE(parse_default_gateways("a:25x", ""));
  CHECK_FALSE(parse_default_gateways("bad host", ""));
  CHECK_FALSE(parse_default_gateways(";;", ""));
  auto need = parse_default_gateways("a,NeedTLS=3", "");
  REQUIRE_FALSE(need);
  CHECK(need.error().field == "NeedTLS");
  auto auth = parse_default_gateways("a,Auth=u", "");
  REQUIRE_FALSE(auth);
  CHECK(auth.error().field == "Password");
  auto odd = parse_default_gateways("a,Colour=blue", "");
  REQUIRE(odd);
  REQUIRE(odd->warnings.size() == 1);
  CHECK(odd->warnings[0].field == "Colour");
}

TEST_CASE("smtprelay lists: ';' separated, '#' shuffles, options from the command's field") {
  auto list = parse_relay_gateways("#r1:26;r2", "NeedTLS=1", "NeedTLS=2,OutBind=x");
  REQUIRE(list);
  CHECK(list->shuffle);
  REQUIRE(list->gateways.size() == 2);
  CHECK(list->gateways[0].port == 26);
  CHECK(list->gateways[1].tls == TlsMode::try_starttls);  // the command wins over SmtpGwConfig
  CHECK(list->gateways[1].out_bind == "x");
  // XMail takes no per-host options in an smtprelay list (the whole token is the host).
  CHECK_FALSE(parse_relay_gateways("r1,NeedTLS=1", "", ""));
}
