#include "pop3d/auth.hpp"

#include <openssl/crypto.h>

#include "common/ascii.hpp"
#include "common/fs.hpp"
#include "common/log.hpp"
#include "pop3d/ip_map.hpp"
#include "pop3d/login_name.hpp"
#include "pop3d/maildir_mailbox.hpp"
#include "spool/user_config.hpp"

namespace psyncd::pop3d {

using pop3::AuthStatus;

Pop3Auth::Found Pop3Auth::find(std::string_view login) {
  Found f;
  if (auto r = db_.refresh(); !r) {
    f.status = AuthStatus::temporary;
    f.reason = r.error().to_string();
    return f;
  }
  auto name = split_login(login, db_.default_domain());
  if (!name) {
    f.reason = db_.default_domain().empty() && login.find_first_of("@%:") == std::string_view::npos
                   ? "no domain given and server.tab has no POP3Domain or RootDomain"
                   : "malformed login name";
    return f;
  }
  f.user = db_.users().find(name->domain, name->user, db_.domains());
  if (!f.user) {
    // The name is the client's: escaped before it can reach a log line.
    f.reason = "unknown account " + log::escape(name->user + "@" + name->domain);
    return f;
  }
  // A mailing-list account (type M) logs in like any other, as in XMail (UPopBuildSession
  // does not look at the type): it sees its own mailbox, usually empty.
  f.canonical = f.user->name + "@" + f.user->domain;
  f.status = AuthStatus::ok;
  return f;
}

Pop3Auth::Found Pop3Auth::check_access(Found f) {
  const auto& root = db_.root();
  admitted_.reset();
  auto cfg = spool::UserConfig::load(root.user_tab(f.user->domain, f.user->dir));
  // No user.tab means XMail's defaults (PopEnable 1).
  if (cfg && !cfg->pop_enable()) {
    f.status = AuthStatus::disabled;
    f.reason = "PopEnable is 0 in user.tab";
    return f;
  }
  auto map = IpMap::load(fs::join(root.account_dir(f.user->domain, f.user->dir), "pop3.ipmap.tab"));
  if (map && !map->allows(client_ip_)) {
    f.status = AuthStatus::disabled;
    f.reason = "client IP denied by the account's pop3.ipmap.tab";
    return f;
  }
  admitted_ = Admitted{f.canonical, f.user->domain, f.user->dir, cfg && cfg->pop3_scan_cur()};
  return f;
}

pop3::AuthOutcome Pop3Auth::verify_password(std::string_view user, std::string_view password) {
  Found f = find(user);
  if (f.status != AuthStatus::ok) return {f.status, {}, f.reason};
  const std::string& want = f.user->password;
  if (want.size() != password.size() ||
      CRYPTO_memcmp(want.data(), password.data(), want.size()) != 0) {
    return {AuthStatus::bad_credentials, {}, "wrong password for " + f.canonical};
  }
  f = check_access(std::move(f));
  return {f.status, f.canonical, f.reason};
}

pop3::SecretLookup Pop3Auth::lookup_secret(std::string_view user) {
  Found f = find(user);
  if (f.status != AuthStatus::ok) return {f.status, {}, {}, f.reason};
  std::string secret = f.user->password;
  f = check_access(std::move(f));
  return {f.status, f.canonical, std::move(secret), f.reason};
}

std::optional<Pop3Auth::Admitted> Pop3Auth::admitted(std::string_view user, std::string& reason) {
  if (admitted_ && admitted_->canonical == user) return admitted_;
  Found f = find(user);
  if (f.status != AuthStatus::ok) {
    reason = std::move(f.reason);
    return std::nullopt;
  }
  auto cfg = spool::UserConfig::load(db_.root().user_tab(f.user->domain, f.user->dir));
  return Admitted{f.canonical, f.user->domain, f.user->dir, cfg && cfg->pop3_scan_cur()};
}

pop3::MailboxOpen Pop3Auth::open_mailbox(std::string_view user) {
  std::string reason;
  const auto a = admitted(user, reason);
  if (!a) return {AuthStatus::temporary, nullptr, reason};
  const auto& root = db_.root();
  const std::string key = ascii_lower(a->canonical);
  if (!spool::is_safe_path_component(key) || !spool::is_safe_path_component(a->domain) ||
      !spool::is_safe_path_component(a->dir)) {
    return {AuthStatus::temporary, nullptr, "unsafe account name or directory for " + a->canonical};
  }
  auto lock = MailboxLock::acquire(root.pop3locks_dir(), key);
  if (!lock) {
    const auto status =
        lock.error().kind == ErrorKind::temporary ? AuthStatus::locked : AuthStatus::temporary;
    return {status, nullptr, lock.error().to_string()};
  }
  const std::string account_dir = root.account_dir(a->domain, a->dir);
  auto listing = listings_ != nullptr ? listings_->get(account_dir, format_, a->scan_cur)
                                      : read_listing(account_dir, format_, a->scan_cur);
  if (!listing) return {AuthStatus::temporary, nullptr, listing.error().to_string()};
  return {
      AuthStatus::ok, std::make_unique<MaildirMailbox>(std::move(*listing), std::move(*lock)), {}};
}

}  // namespace psyncd::pop3d
