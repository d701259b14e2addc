#include "psync/fetch_route.hpp"

#include <fmt/format.h>

#include "common/ascii.hpp"
#include "common/fs.hpp"
#include "common/log.hpp"
#include "mail/address_sender.hpp"
#include "psync/rewrite_recipients.hpp"
#include "spool/recipient_router.hpp"

namespace psyncd::psync {

bool SharedSet::insert(const std::string& key) {
  std::lock_guard lock(mutex_);
  return keys_.insert(key).second;
}

bool SharedSet::contains(const std::string& key) const {
  std::lock_guard lock(mutex_);
  return keys_.count(key) != 0;
}

namespace {

std::string link_name(const Link& link) { return link.remote_user + "@" + link.remote_spec; }

// Creates a routed target's directory when missing: Maildir/new with its cur/ and tmp/, or
// mailbox/ (-Mm). The router only names paths. A directory joins known_dirs only once it
// exists, so a thread that finds it there never delivers ahead of the one still making it.
void make_target_dir(const RouteConfig& config, const std::string& dir) {
  if (config.known_dirs != nullptr && config.known_dirs->contains(dir)) return;
  if (!fs::is_directory(dir)) {
    fs::FileSystem& fs = config.fs != nullptr ? *config.fs : fs::posix();
    if (!fs.make_dirs(dir)) return;  // the delivery fails and says why
    if (!config.mailbox_format) {
      std::string maildir = fs::dir_name(dir);
      (void)fs.make_dirs(fs::join(maildir, "cur"));
      (void)fs.make_dirs(fs::join(maildir, "tmp"));
    }
  }
  if (config.known_dirs != nullptr) config.known_dirs->insert(dir);
}

spool::AccountTables tables_of(const RouteConfig& config) {
  return spool::AccountTables{config.domains, config.users, config.aliases};
}

// No files at all (tests that build a RouteConfig by hand): no mailproc.tab, no cmdaliases.
const spool::DeliveryFiles& files_of(const RouteConfig& config) {
  static const spool::MailRootFiles none("/nonexistent");
  return config.files != nullptr ? *config.files : none;
}

spool::RecipientRouter router_of(const RouteConfig& config, std::string error_account,
                                 spool::RelayPolicy relay = {}) {
  auto format =
      config.mailbox_format ? spool::MailboxFormat::mailbox : spool::MailboxFormat::maildir;
  return spool::RecipientRouter(*config.root, tables_of(config), files_of(config),
                                std::move(error_account), format, std::move(relay));
}

// XMail's USmlMailLoopCheck: more Received and X-Deliver-To lines than MaxMTAOps is a loop,
// and a looping message is not sent on.
spool::RelayPolicy relay_policy(const RouteConfig& config, const mail::HeaderBlock& headers) {
  spool::RelayPolicy policy;
  if (config.relay == nullptr) return policy;
  policy.enabled = true;
  policy.outside = config.relay->outside;
  long long hops = 0;
  for (const auto& h : headers.headers) {
    if (mail::header_name_is(h.name, "Received") || mail::header_name_is(h.name, "X-Deliver-To"))
      ++hops;
  }
  if (hops > config.relay->max_mta_ops) {
    policy.blocked =
        fmt::format("mail loop: {} Received/X-Deliver-To lines, over MaxMTAOps={}, not relayed",
                    hops, config.relay->max_mta_ops);
  }
  return policy;
}

RewriteRule rule_of(const Link& link) {
  RewriteRule rule;
  rule.kind = link.kind == LinkKind::external             ? RewriteKind::fixed
              : link.kind == LinkKind::masquerade_replace ? RewriteKind::masquerade
                                                          : RewriteKind::append;
  rule.domain_or_suffix = link.target;
  rule.match_domains = link.match_domains;
  rule.local_account = link.local_account;
  return rule;
}

// The rewriter's warnings go to the log (docs/xmail-differences.md "pop3links.tab"); most repeat
// for every message of the link, so each is said once per link per cycle.
void log_warnings(const RouteConfig& config, const Link& link,
                  const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) {
    std::string line = fmt::format("{}: {}", link_name(link), w);
    if (config.warned == nullptr || config.warned->insert(line)) log::warn("{}", line);
  }
}

void log_warnings(const RouteConfig& config, const Link& link, const std::vector<Error>& errors) {
  std::vector<std::string> texts;
  texts.reserve(errors.size());
  for (const auto& e : errors) texts.push_back(e.to_string());
  log_warnings(config, link, texts);
}

std::vector<std::string> recipients_of(const RouteConfig& config, const Link& link,
                                       const mail::HeaderBlock& headers) {
  if (link.kind == LinkKind::local) return {link.local_account + "@" + link.target};
  Recipients found = build_recipients(rule_of(link), headers, config.hdr_tags);
  log_warnings(config, link, found.warnings);
  return std::move(found.recipients);
}

// The first failure, and how many more: a hostile header can name a thousand recipients.
std::string failure_text(const std::vector<Error>& failures) {
  if (failures.empty()) return {};
  std::string text = failures.front().to_string();
  if (failures.size() > 1) text += fmt::format(" (and {} more)", failures.size() - 1);
  return text;
}

// The router's answer as a fetch route: every recipient needs a target, or none is used
// (the message stays on the server and is tried again next cycle).
Route to_fetch_route(const RouteConfig& config, spool::Route routed, std::string sender) {
  Route route;
  route.sender = std::move(sender);
  for (const auto& e : routed.rerouted) route.unroutable.push_back(e.field);
  for (const auto& e : routed.failures) route.unroutable.push_back(e.field);
  if (!routed.complete() || (routed.targets.empty() && routed.relay.empty())) {
    route.reason = failure_text(routed.failures);
    return route;
  }
  route.relay = std::move(routed.relay);
  for (auto& t : routed.targets) {
    route.recipients.push_back(t.key);
    make_target_dir(config, t.dir);
    route.targets.push_back(std::move(t));
  }
  return route;
}

bool contains_address(const std::vector<std::string>& list, const std::string& address) {
  for (const auto& a : list)
    if (iequals(a, address)) return true;
  return false;
}

// --xmail-handoff: the recipients XMail's PSYNC would spool (USmlDeliverFetchedMsg: a local
// or custom domain) go to XMail as they are; it resolves them. The others take the error
// account's address, or keep the message on the server.
Route handoff_route(const RouteConfig& config, const Link& link,
                    const std::vector<std::string>& rcpts, std::string sender) {
  spool::LocalResolver resolver(tables_of(config), files_of(config));
  Route route;
  route.sender = std::move(sender);
  std::vector<std::string> refused;
  for (const auto& rcpt : rcpts) {
    size_t at = rcpt.rfind('@');
    bool accepted = at != std::string::npos && at > 0 && at + 1 < rcpt.size() &&
                    resolver.accepts(std::string_view(rcpt).substr(at + 1));
    if (!accepted) {
      route.unroutable.push_back(rcpt);
      refused.push_back(rcpt);
    } else if (!contains_address(route.recipients, rcpt)) {
      route.recipients.push_back(rcpt);
    }
  }
  if (!refused.empty()) {
    std::string why = fmt::format("{}: not in a local or custom domain", refused.front());
    if (refused.size() > 1) why += fmt::format(" (and {} more)", refused.size() - 1);
    if (config.error_account.empty()) {
      route.recipients.clear();
      route.reason = why;
      return route;
    }
    log::info("{}: {}: sent to Pop3SyncErrorAccount {}", link_name(link), why,
              config.error_account);
    if (!contains_address(route.recipients, config.error_account))
      route.recipients.push_back(config.error_account);
    route.to_error_account = route.recipients.size() == 1;
  }
  if (route.recipients.empty()) {
    route.reason = "the message has no recipient";
    return route;
  }
  // One drop file per message; XMail's LMAIL makes one spool message per RCPT line.
  route.targets.push_back({"spool/local", config.root->spool_local_dir()});
  return route;
}

}  // namespace

std::string relay_key(const std::string& address) { return "relay:" + ascii_lower(address); }

Route route_message(const RouteConfig& config, const Link& link, const mail::HeaderBlock& headers) {
  std::vector<std::string> rcpts = recipients_of(config, link, headers);
  if (config.handoff)
    return handoff_route(config, link, rcpts, mail::envelope_sender(headers.headers));
  spool::RelayPolicy policy = relay_policy(config, headers);
  spool::Route routed = router_of(config, config.error_account, policy).route(rcpts);
  if (!routed.complete() && !config.error_account.empty()) {
    // Say why without the error account's own problem: the caller tries it next.
    routed = router_of(config, "", policy).route(rcpts);
  }
  log_warnings(config, link, routed.warnings);
  for (const auto& e : routed.rerouted) {
    log::info("{}: {}: sent to Pop3SyncErrorAccount {}", link_name(link), e.to_string(),
              config.error_account);
  }
  bool all_rerouted = !routed.own_mailbox && !routed.rerouted.empty();
  Route route = to_fetch_route(config, std::move(routed), mail::envelope_sender(headers.headers));
  route.to_error_account = all_rerouted && !route.targets.empty();
  return route;
}

Route route_error_account(const RouteConfig& config, const mail::HeaderBlock& headers) {
  Route route;
  if (config.error_account.empty()) {
    route.sender = mail::envelope_sender(headers.headers);
    route.reason = "no Pop3SyncErrorAccount set";
  } else if (config.handoff) {
    route.sender = mail::envelope_sender(headers.headers);
    route.recipients.push_back(config.error_account);
    route.targets.push_back({"spool/local", config.root->spool_local_dir()});
  } else {
    route = to_fetch_route(config, router_of(config, "").route({config.error_account}),
                           mail::envelope_sender(headers.headers));
    if (route.targets.empty()) route.reason = "Pop3SyncErrorAccount " + route.reason;
  }
  route.to_error_account = true;
  return route;
}

}  // namespace psyncd::psync
