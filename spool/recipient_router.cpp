#include "spool/recipient_router.hpp"

#include <fmt/format.h>

#include "tabfile/fields.hpp"

namespace psyncd::spool {
namespace {

Error unroutable(std::string_view address, std::string text) {
  return Error{ErrorKind::not_found, {}, 0, std::string(address), std::move(text)};
}

}  // namespace

RecipientRouter::RecipientRouter(MailRoot root, const Domains& domains, const MailUsers& users,
                                 std::string error_account, MailboxFormat format)
    : root_(std::move(root)),
      domains_(domains),
      users_(users),
      error_account_(std::move(error_account)),
      format_(format) {}

std::string RecipientRouter::error_account(const ServerConfig& server) {
  return server.get("Pop3SyncErrorAccount").value_or("");
}

Result<Target> RecipientRouter::resolve(std::string_view address) const {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size())
    return unroutable(address, "not an address of the form user@domain");
  std::string_view local = address.substr(0, at);
  std::string_view domain = address.substr(at + 1);
  auto real = domains_.resolve(domain);
  if (!real || !domains_.is_local(*real))
    return unroutable(address, fmt::format("domain \"{}\" is not local", domain));
  const MailUser* user = users_.find(domain, local, domains_);
  if (user == nullptr)
    return unroutable(address, fmt::format("no account \"{}\" in domain \"{}\"", local, *real));
  // XMail would expand a mailing list through its spool; psyncd delivers to mailboxes only.
  if (user->type != AccountType::user)
    return unroutable(address, "is a mailing list (not delivered by psyncd)");
  if (!is_safe_path_component(user->dir) || !is_safe_path_component(user->domain))
    return unroutable(address, fmt::format("unsafe account directory \"{}\"", user->dir));
  Target t;
  t.key = tabfile::ascii_lower(user->name) + "@" + tabfile::ascii_lower(user->domain);
  t.dir = format_ == MailboxFormat::maildir ? root_.maildir_new(user->domain, user->dir)
                                            : root_.mailbox_dir(user->domain, user->dir);
  return t;
}

void RecipientRouter::add_target(Route& route, Target target) const {
  for (const auto& t : route.targets) {
    if (t.key == target.key) return;  // two addresses of one account: one copy
  }
  if (route.tmp_dir.empty()) {
    // B §6.2: Maildir/tmp of the (first) account; for mailbox/ the domain's .tmp when it
    // exists, else MAIL_ROOT/tmp.
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

Route RecipientRouter::route(const std::vector<std::string>& recipients) const {
  Route route;
  for (const auto& rcpt : recipients) {
    auto target = resolve(rcpt);
    if (target) {
      add_target(route, std::move(*target));
      continue;
    }
    if (error_account_.empty()) {
      route.failures.push_back(std::move(target.error()));
      continue;
    }
    auto fallback = resolve(error_account_);
    if (!fallback) {
      Error e = target.error();
      e.text += fmt::format("; Pop3SyncErrorAccount: {}", fallback.error().to_string());
      route.failures.push_back(std::move(e));
      continue;
    }
    add_target(route, std::move(*fallback));
    route.rerouted.push_back(std::move(target.error()));
  }
  if (recipients.empty()) route.failures.push_back(unroutable("", "the message has no recipient"));
  return route;
}

}  // namespace psyncd::spool
