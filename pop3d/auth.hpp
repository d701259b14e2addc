// Pop3Auth: the pop3::Authenticator over an AccountDb, one per client session (it knows the
// client's IP). Login names follow login_name.hpp. Checks, in order: the account exists and is
// a user, the password, PopEnable in the account's user.tab, the account's pop3.ipmap.tab;
// open_mailbox() then takes the XMail lock and lists the mailbox (spool::list_messages, through
// the server's ListingCache when given one). The global
// pop3.ipmap.tab and Pop3RequireTLS are checked by the listener and the session, not here. No
// delays or logging of failures: the session reports them as events.
#pragma once

#include <optional>
#include <string>

#include "pop3/server/authenticator.hpp"
#include "pop3d/account_db.hpp"
#include "pop3d/listing_cache.hpp"
#include "spool/mailbox_reader.hpp"

namespace psyncd::pop3d {

using MailboxFormat = spool::MailboxFormat;  // -MM (default on Unix) / -Mm

class Pop3Auth final : public pop3::Authenticator {
 public:
  // `listings`: the server's shared ListingCache; null lists the mailbox at every login.
  Pop3Auth(AccountDb& db, std::string client_ip, MailboxFormat format = MailboxFormat::maildir,
           ListingCache* listings = nullptr)
      : db_(db), client_ip_(std::move(client_ip)), format_(format), listings_(listings) {}

  pop3::AuthOutcome verify_password(std::string_view user, std::string_view password) override;
  pop3::SecretLookup lookup_secret(std::string_view user) override;
  pop3::MailboxOpen open_mailbox(std::string_view user) override;

 private:
  struct Found {
    pop3::AuthStatus status = pop3::AuthStatus::bad_credentials;
    const spool::MailUser* user = nullptr;
    std::string canonical;  // name@domain as in the table
    std::string reason;
  };
  Found find(std::string_view login);
  // PopEnable and the per-account IP map: `disabled` with a reason, or ok.
  Found check_access(Found found);

  // The account the last check_access() admitted: the open_mailbox() right after a good
  // login then needs no second table lookup and no second read of user.tab.
  struct Admitted {
    std::string canonical, domain, dir;
    bool scan_cur = false;
  };
  std::optional<Admitted> admitted(std::string_view user, std::string& reason);

  AccountDb& db_;
  std::optional<Admitted> admitted_;
  std::string client_ip_;
  MailboxFormat format_;
  ListingCache* listings_;
};

}  // namespace psyncd::pop3d
