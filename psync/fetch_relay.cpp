#include "psync/fetch_relay.hpp"

#include <fmt/format.h>

#include "common/log.hpp"
#include "psync/fetch_route.hpp"

namespace psyncd::psync {
namespace {

std::vector<std::string> keys_of(const std::vector<std::string>& addresses) {
  std::vector<std::string> keys;
  keys.reserve(addresses.size());
  for (const auto& a : addresses) keys.push_back(relay_key(a));
  return keys;
}

}  // namespace

MessageRelay::MessageRelay(const RelayConfig& config, smtp::Sender& sender,
                           spool::DeliveryJournal& journal, std::string link_name,
                           ToErrorAccount to_error_account)
    : config_(config),
      sender_(sender),
      journal_(journal),
      name_(std::move(link_name)),
      to_error_account_(std::move(to_error_account)),
      random_(std::random_device{}()) {}

// The owed recipients, by gateway list, in the order the router found them.
std::vector<MessageRelay::Group> MessageRelay::groups_of(const RelayMessage& message) const {
  std::vector<Group> groups;
  for (const auto& need : message.needs) {
    if (journal_.has_recipient(message.uidl, relay_key(need.address))) continue;
    Group* group = nullptr;
    for (auto& g : groups)
      if (g.gateways == need.gateways && g.options == need.options) group = &g;
    if (group == nullptr) group = &groups.emplace_back(Group{need.gateways, need.options, {}});
    group->addresses.push_back(need.address);
  }
  return groups;
}

void MessageRelay::owe(MessageRelayResult& out, const std::string& why, std::uint32_t count) {
  out.tally.deferred += count;
  if (out.reason.empty()) out.reason = why;
}

MessageRelayResult MessageRelay::run(const RelayMessage& message) {
  MessageRelayResult out;
  std::vector<Group> groups = groups_of(message);
  for (const auto& group : groups) {
    if (!config_.broken.empty()) {
      owe(out, config_.broken, static_cast<std::uint32_t>(group.addresses.size()));
      continue;
    }
    send_group(message, group, out);
  }
  out.settled = true;
  for (const auto& need : message.needs)
    out.settled = out.settled && journal_.has_recipient(message.uidl, relay_key(need.address));
  if (!out.settled && out.reason.empty()) out.reason = "relay recipients still owed";
  return out;
}

void MessageRelay::send_group(const RelayMessage& message, const Group& group,
                              MessageRelayResult& out) {
  smtp::GatewayList list = config_.gateways;
  if (!group.gateways.empty()) {
    auto own = relay_command_gateways(config_, group.gateways, group.options);
    if (!own) {
      owe(out, "smtprelay: " + own.error().to_string(),
          static_cast<std::uint32_t>(group.addresses.size()));
      return;
    }
    list = std::move(*own);
  }
  smtp::RelayHooks hooks;
  hooks.before = [&](const smtp::Gateway&, const std::vector<std::string>& rcpts) {
    if (auto r = journal_.record_sending(message.uidl, keys_of(rcpts)); !r)
      log::warn("{}: {}", name_, r.error().to_string());
  };
  bool journal_failed = false;
  hooks.after = [&](const smtp::Gateway& gw, const std::vector<smtp::RecipientResult>& got) {
    std::vector<std::string> accepted;
    for (const auto& r : got) {
      if (r.status == smtp::RecipientStatus::accepted) accepted.push_back(r.address);
    }
    if (accepted.empty()) return;
    // Before anything else: a crash from here on must not send these again.
    if (auto r = journal_.record_relayed(message.uidl, keys_of(accepted)); !r) {
      journal_failed = true;
      log::error("{}: message {} relayed to {} for {} but not journaled: {}", name_, message.uidl,
                 gw.name(), fmt::join(accepted, ", "), r.error().to_string());
    }
  };
  smtp::Envelope envelope{message.sender, group.addresses, config_.helo};
  smtp::RelayReport report = smtp::relay(list, envelope, message.copy, sender_, hooks, random_);
  std::vector<smtp::RecipientResult> refused;
  for (const auto& r : report.results) {
    if (r.status == smtp::RecipientStatus::accepted) {
      ++out.tally.relayed;
      log::debug("{}: message {} relayed for {}: {}", name_, message.uidl, r.address, r.reply);
    } else if (r.status == smtp::RecipientStatus::permanent) {
      refused.push_back(r);
    } else {
      log::warn("{}: message {} deferred for {}{}: {}", name_, message.uidl, r.address,
                r.maybe_sent ? " (the gateway may have it; it is sent again)" : "", r.reply);
      owe(out, fmt::format("relay deferred for {}: {}", r.address, r.reply), 1);
    }
  }
  if (journal_failed) owe(out, "the journal could not record a relayed recipient", 0);
  if (!refused.empty()) bounce(message, refused, out);
}

// 5xx: to Pop3SyncErrorAccount with the reply, as one copy for all the refused recipients.
void MessageRelay::bounce(const RelayMessage& message,
                          const std::vector<smtp::RecipientResult>& refused,
                          MessageRelayResult& out) {
  std::vector<std::string> addresses;
  std::string note;
  for (const auto& r : refused) {
    addresses.push_back(r.address);
    if (!note.empty()) note += "; ";
    note += fmt::format("<{}> {}", r.address, r.reply);
  }
  auto count = static_cast<std::uint32_t>(refused.size());
  auto delivered = to_error_account_(message, relay_key(addresses.front()), note);
  if (!delivered) {
    log::warn("{}: message {} refused by the gateway ({}) and not stored: {}", name_, message.uidl,
              note, delivered.error().to_string());
    owe(out, fmt::format("relay refused: {}; {}", note, delivered.error().to_string()), count);
    return;
  }
  if (auto r = journal_.record_relayed(message.uidl, keys_of(addresses)); !r) {
    owe(out, "the journal could not record a bounced recipient: " + r.error().to_string(), count);
    return;
  }
  out.tally.bounced += count;
  log::warn("{}: message {} refused by the gateway, sent to Pop3SyncErrorAccount: {}", name_,
            message.uidl, note);
}

}  // namespace psyncd::psync
