#include "smtp/relay.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <set>

using namespace psyncd::smtp;

namespace {

// Answers per gateway host and recipient: 'a' accepted, 't' temporary, 'p' permanent.
class ScriptedSender final : public Sender {
 public:
  std::map<std::string, std::map<std::string, char>> script;
  std::vector<std::pair<std::string, std::vector<std::string>>> calls;
  std::vector<RecipientResult> send(const Gateway& gw, const Envelope& env, const std::string&,
                                    const FinalHook&) override {
    calls.emplace_back(gw.host, env.recipients);
    std::vector<RecipientResult> out;
    for (const auto& r : env.recipients) {
      char c = script[gw.host].count(r) ? script[gw.host][r] : 't';
      RecipientResult res;
      res.address = r;
      res.status = c == 'a'   ? RecipientStatus::accepted
                   : c == 'p' ? RecipientStatus::permanent
                              : RecipientStatus::temporary;
      res.reply = std::string(1, c);
      out.push_back(res);
    }
    return out;
  }
};

GatewayList two() { return *parse_default_gateways("g1;g2", ""); }

}  // namespace

TEST_CASE("the next gateway gets only the recipients still owed") {
  ScriptedSender s;
  s.script["g1"] = {{"a@x", 'a'}, {"b@x", 't'}, {"c@x", 'p'}};
  s.script["g2"] = {{"b@x", 'a'}};
  std::mt19937 rnd(1);
  std::vector<std::string> before;
  RelayHooks hooks;
  hooks.before = [&](const Gateway& gw, const std::vector<std::string>& r) {
    before.push_back(gw.host + ":" + std::to_string(r.size()));
  };
  auto report = relay(two(), {"s@y", {"a@x", "b@x", "c@x"}, ""}, "/m", s, hooks, rnd);
  REQUIRE(s.calls.size() == 2);
  CHECK(s.calls[1].second == std::vector<std::string>{"b@x"});
  CHECK(before == std::vector<std::string>{"g1:3", "g2:1"});
  CHECK(report.results[0].status == RecipientStatus::accepted);
  CHECK(report.results[1].status == RecipientStatus::accepted);
  CHECK(report.results[1].reply == "g2:25: a");
  CHECK(report.results[2].status == RecipientStatus::permanent);  // never tried on g2
}

TEST_CASE("a settled message tries no further gateway; all temporary stays owed") {
  ScriptedSender s;
  s.script["g1"] = {{"a@x", 'a'}};
  std::mt19937 rnd(1);
  auto report = relay(two(), {"s@y", {"a@x"}, ""}, "/m", s, {}, rnd);
  CHECK(s.calls.size() == 1);
  CHECK(report.tried == std::vector<std::string>{"g1:25"});

  ScriptedSender down;
  auto owed = relay(two(), {"s@y", {"a@x"}, ""}, "/m", down, {}, rnd);
  CHECK(down.calls.size() == 2);
  CHECK(owed.results[0].status == RecipientStatus::temporary);
}

TEST_CASE("a '#' list is tried in a random order, each gateway once") {
  auto list = *parse_relay_gateways("#g1;g2;g3;g4", "", "");
  std::mt19937 rnd(7);
  std::set<std::string> firsts;
  for (int i = 0; i < 50; ++i) {
    auto order = attempt_order(list, rnd);
    REQUIRE(order.size() == 4);
    firsts.insert(order[0]->host);
  }
  CHECK(firsts.size() > 1);
  auto plain = *parse_relay_gateways("g1;g2", "", "");
  CHECK(attempt_order(plain, rnd)[0]->host == "g1");
}

TEST_CASE("the results are told once, early when the sender knows them before QUIT") {
  class EarlySender final : public Sender {
   public:
    std::vector<RecipientResult> send(const Gateway&, const Envelope& env, const std::string&,
                                      const FinalHook& on_final) override {
      std::vector<RecipientResult> out{
          {env.recipients[0], RecipientStatus::accepted, "250", false}};
      on_final(out);  // the reply after "." came
      return out;     // QUIT done
    }
  } early;
  int told = 0;
  RelayHooks hooks;
  hooks.after = [&](const Gateway&, const std::vector<RecipientResult>&) { ++told; };
  std::mt19937 rnd(1);
  auto report = relay(two(), {"s@y", {"a@x"}, ""}, "/m", early, hooks, rnd);
  CHECK(told == 1);
  CHECK(report.results[0].status == RecipientStatus::accepted);
}
