// Recipient routing for fetched mail (A §1, B §4.8): each recipient address in a local domain
// (domains.tab, or an alias domain of aliasdomain.tab) with a user account in mailusers.tab
// becomes a Target in that account's mailbox (Maildir/new or mailbox/). An unknown account,
// a mailing-list account or a non-local domain goes to Pop3SyncErrorAccount (server.tab) if it
// is set and routable; otherwise it is a failure with a reason, and the message stays on the
// remote server (Route::complete() is false). Unlike XMail nothing is skipped silently and
// custdomains/ are not served. Path-only: it reads no files and writes nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "spool/delivery_batch.hpp"
#include "spool/domains.hpp"
#include "spool/mail_root.hpp"
#include "spool/mail_users.hpp"
#include "spool/mailbox_reader.hpp"
#include "spool/server_config.hpp"

namespace psyncd::spool {

struct Route {
  std::vector<Target> targets;  // one per distinct account, in recipient order
  std::string tmp_dir;          // where to stage the message (same file system as targets)
  std::vector<Error> rerouted;  // recipients sent to the error account, with the reason
  std::vector<Error> failures;  // recipients delivered nowhere, with the reason
  // Every recipient has a target (itself or the error account).
  bool complete() const { return failures.empty(); }
};

class RecipientRouter {
 public:
  // `error_account` empty = Pop3SyncErrorAccount unset.
  RecipientRouter(MailRoot root, const Domains& domains, const MailUsers& users,
                  std::string error_account, MailboxFormat format);

  Route route(const std::vector<std::string>& recipients) const;

  // Pop3SyncErrorAccount from server.tab, or "" when unset.
  static std::string error_account(const ServerConfig& server);

 private:
  // The target of one address, or why there is none.
  Result<Target> resolve(std::string_view address) const;
  void add_target(Route& route, Target target) const;

  MailRoot root_;
  const Domains& domains_;
  const MailUsers& users_;
  std::string error_account_;
  MailboxFormat format_;
};

}  // namespace psyncd::spool
