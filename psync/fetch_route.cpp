#include "psync/fetch_route.hpp"

#include "common/fs.hpp"
#include "psync/address_sender.hpp"
#include "psync/rewriter.hpp"

namespace psyncd::psync {

namespace {

// The directory a local account's messages are linked into, created when missing.
std::string account_target_dir(const RouteConfig& config, const spool::MailUser& user) {
  const spool::MailRoot& root = *config.root;
  if (config.mailbox_format) {
    std::string dir = root.mailbox_dir(user.domain, user.dir);
    if (!fs::is_directory(dir)) (void)fs::make_dirs(fs::posix(), dir);
    return dir;
  }
  std::string new_dir = root.maildir_new(user.domain, user.dir);
  if (!fs::is_directory(new_dir)) {
    (void)fs::make_dirs(fs::posix(), new_dir);
    (void)fs::make_dirs(fs::posix(), root.maildir_cur(user.domain, user.dir));
    (void)fs::make_dirs(fs::posix(), root.maildir_tmp(user.domain, user.dir));
  }
  return new_dir;
}

// The account an address names, through alias domains; nullptr when not local.
const spool::MailUser* find_account(const RouteConfig& config, const std::string& address) {
  auto at = address.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == address.size()) return nullptr;
  std::string local = address.substr(0, at);
  std::string domain = address.substr(at + 1);
  const spool::MailUser* user = config.users->find(domain, local, *config.domains);
  if (user == nullptr || user->type != spool::AccountType::user) return nullptr;
  if (!spool::is_safe_path_component(user->domain) || !spool::is_safe_path_component(user->dir)) {
    return nullptr;
  }
  return user;
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

std::vector<std::string> recipients_of(const RouteConfig& config, const Link& link,
                                       const HeaderBlock& headers) {
  if (link.kind == LinkKind::local) return {link.local_account + "@" + link.target};
  return build_recipients(rule_of(link), headers, config.hdr_tags).recipients;
}

void add_targets(const RouteConfig& config, Route& route, const std::vector<std::string>& rcpts) {
  for (const auto& rcpt : rcpts) {
    const spool::MailUser* user = find_account(config, rcpt);
    if (user == nullptr) {
      route.unroutable.push_back(rcpt);
      continue;
    }
    std::string key = user->name + "@" + user->domain;
    bool seen = false;
    for (const auto& r : route.recipients) seen = seen || r == key;
    if (seen) continue;
    route.recipients.push_back(key);
    if (!config.handoff) route.targets.push_back({key, account_target_dir(config, *user)});
  }
  // One drop file per message; XMail's LMAIL reads the recipients from its envelope.
  if (config.handoff && !route.recipients.empty()) {
    route.targets.push_back({"spool/local", config.root->spool_local_dir()});
  }
}

}  // namespace

Route route_message(const RouteConfig& config, const Link& link, const HeaderBlock& headers) {
  Route route;
  route.sender = envelope_sender(headers.headers);
  std::vector<std::string> rcpts = recipients_of(config, link, headers);
  add_targets(config, route, rcpts);
  if (!route.targets.empty()) return route;
  route.reason = rcpts.empty() ? "no recipient found in the headers"
                               : "no local account among the recipients";
  if (!route.unroutable.empty()) route.reason += " (" + route.unroutable.front() + ")";
  return route;
}

Route route_error_account(const RouteConfig& config, const HeaderBlock& headers) {
  Route route;
  route.sender = envelope_sender(headers.headers);
  route.to_error_account = true;
  if (config.error_account.empty()) {
    route.reason = "no Pop3SyncErrorAccount set";
    return route;
  }
  add_targets(config, route, {config.error_account});
  if (route.targets.empty()) {
    route.reason = "Pop3SyncErrorAccount " + config.error_account + " is not a local account";
  }
  return route;
}

}  // namespace psyncd::psync
