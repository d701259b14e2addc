#include "smtp/relay.hpp"

#include <algorithm>

#include "common/ascii.hpp"

namespace psyncd::smtp {

std::vector<const Gateway*> attempt_order(const GatewayList& list, std::mt19937& random) {
  std::vector<const Gateway*> order;
  for (const auto& gw : list.gateways) order.push_back(&gw);
  if (list.shuffle) std::shuffle(order.begin(), order.end(), random);
  return order;
}

RelayReport relay(const GatewayList& list, const Envelope& envelope,
                  const std::string& message_path, Sender& sender, const RelayHooks& hooks,
                  std::mt19937& random) {
  RelayReport report;
  for (const auto& rcpt : envelope.recipients) {
    RecipientResult owed;
    owed.address = rcpt;
    owed.reply = "no gateway tried";
    report.results.push_back(std::move(owed));
  }
  for (const Gateway* gw : attempt_order(list, random)) {
    Envelope attempt = envelope;
    attempt.recipients.clear();
    for (const auto& r : report.results)
      if (r.status == RecipientStatus::temporary) attempt.recipients.push_back(r.address);
    if (attempt.recipients.empty()) break;
    if (hooks.before) hooks.before(*gw, attempt.recipients);
    bool told = false;
    FinalHook tell = [&](const std::vector<RecipientResult>& results) {
      if (told) return;
      told = true;
      if (hooks.after) hooks.after(*gw, results);
    };
    std::vector<RecipientResult> got = sender.send(*gw, attempt, message_path, tell);
    report.tried.push_back(gw->name());
    tell(got);
    for (auto& g : got) {
      for (auto& r : report.results) {
        if (r.status == RecipientStatus::temporary && iequals(r.address, g.address)) {
          r = g;
          r.reply = gw->name() + ": " + g.reply;
          break;
        }
      }
    }
  }
  return report;
}

}  // namespace psyncd::smtp
