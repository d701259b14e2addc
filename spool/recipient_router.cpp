#include "spool/recipient_router.hpp"

#include <fmt/format.h>

#include "common/ascii.hpp"

namespace psyncd::spool {
namespace {

Error unroutable(std::string_view address, std::string text) {
  return Error{ErrorKind::not_found, {}, 0, std::string(address), std::move(text)};
}

// "first reason (and N more)": a list can have a thousand remote members.
std::string first_of(const std::vector<Error>& errors) {
  std::string text = errors.front().to_string();
  if (errors.size() > 1) text += fmt::format(" (and {} more)", errors.size() - 1);
  return text;
}

}  // namespace

RecipientRouter::RecipientRouter(MailRoot root, AccountTables tables, const DeliveryFiles& files,
                                 std::string error_account, MailboxFormat format, RelayPolicy relay)
    : root_(std::move(root)),
      tables_(tables),
      resolver_(tables, files),
      error_account_(std::move(error_account)),
      format_(format),
      relay_(std::move(relay)) {}

std::string RecipientRouter::error_account(const ServerConfig& server) {
  return server.get("Pop3SyncErrorAccount").value_or("");
}

Result<Resolution> RecipientRouter::resolve(std::string_view address) const {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size())
    return unroutable(address, "not an address of the form user@domain");
  std::string_view domain = address.substr(at + 1);
  // XMail's PSYNC skips such a recipient silently (USmlDeliverFetchedMsg); psyncd does not.
  if (!resolver_.accepts(domain))
    return unroutable(address, fmt::format("domain \"{}\" is not local", domain));
  return resolver_.resolve(address);
}

Result<Target> RecipientRouter::target_of(const MailUser& user) const {
  if (!is_safe_path_component(user.dir) || !is_safe_path_component(user.domain))
    return unroutable(user.name + "@" + user.domain,
                      fmt::format("unsafe account directory \"{}\"", user.dir));
  Target t;
  t.key = ascii_lower(user.name) + "@" + ascii_lower(user.domain);
  t.dir = format_ == MailboxFormat::maildir ? root_.maildir_new(user.domain, user.dir)
                                            : root_.mailbox_dir(user.domain, user.dir);
  return t;
}

void RecipientRouter::add_target(Route& route, Target target) const {
  for (const auto& t : route.targets) {
    if (t.key == target.key) return;  // two addresses of one account: one copy
  }
  if (route.tmp_dir.empty()) {
    // Maildir/tmp of the (first) account; for mailbox/ the domain's .tmp when it exists,
    // else MAIL_ROOT/tmp.
    std::string account = fs::dir_name(target.dir);
    if (format_ == MailboxFormat::maildir) {
      route.tmp_dir = fs::join(account, "tmp");
    } else {
      std::string domain_tmp = fs::join(fs::dir_name(account), ".tmp");
      route.tmp_dir = fs::is_directory(domain_tmp) ? domain_tmp : root_.tmp_dir();
    }
  }
  route.targets.push_back(std::move(target));
}

// The error account is resolved as XMail delivers to it (USmlDeliverFetchedMsg): it may be an
// alias or a list, but it must end in mailboxes psyncd can fill.
Result<std::vector<Target>> RecipientRouter::error_targets() const {
  auto resolved = resolve(error_account_);
  if (!resolved) return resolved.error();
  if (!resolved->needs_mta.empty()) return resolved->needs_mta.front();  // relay needs too
  if (resolved->mailboxes.empty()) return unroutable(error_account_, "resolves to no mailbox");
  std::vector<Target> out;
  for (const MailUser* user : resolved->mailboxes) {
    auto t = target_of(*user);
    if (!t) return t.error();
    out.push_back(std::move(*t));
  }
  return out;
}

void RecipientRouter::fall_back(Route& route, Error why) const {
  if (error_account_.empty()) {
    route.failures.push_back(std::move(why));
    return;
  }
  auto targets = error_targets();
  if (!targets) {
    why.text += fmt::format("; Pop3SyncErrorAccount: {}", targets.error().to_string());
    route.failures.push_back(std::move(why));
    return;
  }
  for (auto& t : *targets) add_target(route, std::move(t));
  route.rerouted.push_back(std::move(why));
}

bool RecipientRouter::add_relay(Route& route, std::vector<RelayNeed> needs) const {
  if (!relay_.enabled || !relay_.blocked.empty() || needs.empty()) return false;
  for (auto& n : needs) {
    bool known = false;
    for (const auto& have : route.relay) known = known || iequals(have.address, n.address);
    if (!known) route.relay.push_back(std::move(n));
  }
  return true;
}

void RecipientRouter::outside(Route& route, const std::string& rcpt, Error why) const {
  if (relay_.outside && add_relay(route, {{rcpt, "", "", "outside the local domains"}})) return;
  if (relay_.enabled && relay_.outside && !relay_.blocked.empty())
    why.text += "; " + relay_.blocked;
  fall_back(route, std::move(why));
}

Route RecipientRouter::route(const std::vector<std::string>& recipients) const {
  Route route;
  for (const auto& rcpt : recipients) {
    auto resolved = resolve(rcpt);
    if (!resolved) {
      size_t at = rcpt.rfind('@');
      bool foreign = at != std::string::npos && at > 0 && at + 1 < rcpt.size() &&
                     !resolver_.accepts(std::string_view(rcpt).substr(at + 1));
      if (foreign) {
        outside(route, rcpt, std::move(resolved.error()));
      } else {
        fall_back(route, std::move(resolved.error()));
      }
      continue;
    }
    Resolution& r = *resolved;
    bool relayed = add_relay(route, r.relay);
    if (relayed) r.needs_mta = r.unrelayable();
    if (relay_.enabled && !relay_.blocked.empty() && !r.relay.empty()) {
      for (auto& e : r.needs_mta) e.text += "; " + relay_.blocked;
    }
    route.warnings.insert(route.warnings.end(), r.warnings.begin(), r.warnings.end());
    for (const MailUser* user : r.mailboxes) {
      auto target = target_of(*user);
      if (!target) {
        fall_back(route, std::move(target.error()));
        continue;
      }
      add_target(route, std::move(*target));
      route.own_mailbox = true;
    }
    if (!r.needs_mta.empty()) {
      route.mta.insert(route.mta.end(), r.needs_mta.begin(), r.needs_mta.end());
      bool self = r.needs_mta.size() == 1 && r.needs_mta[0].field == rcpt;
      fall_back(route,
                self ? r.needs_mta[0] : unroutable(rcpt, "needs an MTA: " + first_of(r.needs_mta)));
    } else if (r.mailboxes.empty() && !relayed) {
      std::string why = r.warnings.empty() ? "" : ": " + first_of(r.warnings);
      fall_back(route, unroutable(rcpt, "resolves to no mailbox (XMail drops it)" + why));
    }
  }
  if (recipients.empty()) route.failures.push_back(unroutable("", "the message has no recipient"));
  return route;
}

}  // namespace psyncd::spool
