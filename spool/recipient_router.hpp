// Recipient routing for fetched mail: each recipient goes through XMail's local delivery
// rules (local_resolver.hpp: cmdaliases, aliases.tab, alias domains, mailing lists,
// mailproc.tab) and each mailbox it reaches becomes a Target (Maildir/new or mailbox/), one per
// account. What psyncd cannot deliver itself goes to Pop3SyncErrorAccount (server.tab) when it
// is set and resolves to mailboxes; otherwise it is a failure with a reason and the message
// stays on the remote server (Route::complete() is false):
//   - a recipient outside the local and custom domains (XMail's PSYNC skips it silently);
//   - what needs an MTA (Route::mta: custom domains, external/filter/smtp/smtprelay commands,
//     remote redirects and list members, unknown users XMail bounces). Route::mta is the seam
//     for an SMTP relay: it lists the addresses such a relay would take over;
//   - a recipient that resolves to no mailbox at all (XMail drops it; psyncd says so).
// With a relay (RelayPolicy::enabled: DefaultSMTPGateways is set) what a gateway can take
// (Resolution::relay) goes to Route::relay instead, and with RelayPolicy::outside so do
// recipients outside the local and custom domains (off by default: no open relay by accident).
// A message refused the relay (RelayPolicy::blocked, the MaxMTAOps loop check) falls back.
// Path-only: it reads tables through DeliveryFiles and writes nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "spool/delivery_batch.hpp"
#include "spool/delivery_files.hpp"
#include "spool/local_resolver.hpp"
#include "spool/mail_root.hpp"
#include "spool/mailbox_reader.hpp"
#include "spool/server_config.hpp"

namespace psyncd::spool {

struct RelayPolicy {
  bool enabled = false;  // DefaultSMTPGateways is set
  bool outside = false;  // recipients outside the local and custom domains are relayed too
  std::string blocked;   // why this message may not be relayed ("" = it may)
};

struct Route {
  std::vector<Target> targets;   // one per distinct account, in recipient order
  std::vector<RelayNeed> relay;  // for the SMTP gateway, each address once (the first need)
  std::string tmp_dir;           // where to stage the message (same file system as targets)
  std::vector<Error> mta;        // what an MTA would have to do (field: address, text: why)
  std::vector<Error> rerouted;   // what went to the error account, with the reason
  std::vector<Error> failures;   // what was delivered nowhere, with the reason
  std::vector<Error> warnings;   // table lines skipped as XMail skips them, loops cut
  bool own_mailbox = false;      // some recipient reached a mailbox itself (not the error account)
  // Every recipient has a target (itself or the error account).
  bool complete() const { return failures.empty(); }
};

class RecipientRouter {
 public:
  // `error_account` empty = Pop3SyncErrorAccount unset.
  RecipientRouter(MailRoot root, AccountTables tables, const DeliveryFiles& files,
                  std::string error_account, MailboxFormat format, RelayPolicy relay = {});

  Route route(const std::vector<std::string>& recipients) const;

  // Pop3SyncErrorAccount from server.tab, or "" when unset.
  static std::string error_account(const ServerConfig& server);

 private:
  // The mailboxes of one recipient, or why it has none here.
  Result<Resolution> resolve(std::string_view address) const;
  Result<Target> target_of(const MailUser& user) const;
  void add_target(Route& route, Target target) const;
  void fall_back(Route& route, Error why) const;
  // The recipient's relayable needs go to the relay; true when something did.
  bool add_relay(Route& route, std::vector<RelayNeed> needs) const;
  // A recipient outside the local and custom domains: relayed when the policy allows.
  void outside(Route& route, const std::string& rcpt, Error why) const;
  // The error account's targets, or why it cannot take mail.
  Result<std::vector<Target>> error_targets() const;

  MailRoot root_;
  AccountTables tables_;
  LocalResolver resolver_;
  std::string error_account_;
  MailboxFormat format_;
  RelayPolicy relay_;
};

}  // namespace psyncd::spool
