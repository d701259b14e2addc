// LocalResolver: what XMail's local delivery (SMAILProcessFile in SMAILSvr.cpp) does with one
// recipient, as a list of mailboxes instead of spool files:
//   1. cmdaliases/<real domain>/<user>.tab (lowercased) runs its commands;
//   2. else in a local domain (domains.tab, aliasdomain.tab) the account or alias
//      (user_lookup.hpp): a user account runs the domain's and its own mailproc.tab, or is one
//      mailbox without them; a mailing list (type M) goes to every mlusers.tab member with
//      'R' in its permissions ("RW" when the field is missing);
//   3. else a custom domain (custdomains/<domain>.tab, then each ".parent.tab", then ".tab").
// Commands that deliver locally are followed: `mailbox`, and `redirect`/`lredirect` to an
// address (a bare domain means "<name>@domain"), which is resolved again from step 1. What
// needs an MTA (`external`, `filter`, `smtp`, `smtprelay`, a remote or custom-domain address,
// an unknown user XMail would bounce) is returned apart, with the reason, for the caller to
// route (Pop3SyncErrorAccount today; an SMTP relay later). Unknown commands are ignored with
// a warning, as XMail logs and skips them. Redirect loops stop at the repeated address.
// Pure: the tables come from DeliveryFiles; it writes nothing.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "spool/delivery_files.hpp"
#include "spool/user_lookup.hpp"

namespace psyncd::spool {

// An address an SMTP gateway can take over (psync/fetch_relay.hpp): a remote address reached
// by a redirect or a list, an address in a custom domain, a recipient whose commands are
// `external`, `filter`, `smtp` or `smtprelay`.
struct RelayNeed {
  std::string address;   // the envelope recipient to give the gateway
  std::string gateways;  // an smtprelay command's list ("" = DefaultSMTPGateways)
  std::string options;   // the smtprelay command's options field
  std::string why;       // "remote address", "custom domain (...)", "command ..."
};

struct Resolution {
  std::vector<const MailUser*> mailboxes;  // user accounts, in the order reached, once each
  std::vector<Error> needs_mta;            // field: the address; text: why psyncd cannot deliver it
  std::vector<RelayNeed> relay;            // what a gateway could take (also in needs_mta)
  std::vector<Error> warnings;             // table lines XMail also ignores, loops cut
  // needs_mta without what a gateway could take: what only XMail can do.
  std::vector<Error> unrelayable() const;
};

class LocalResolver {
 public:
  LocalResolver(AccountTables tables, const DeliveryFiles& files)
      : tables_(tables), files_(files) {}

  // XMail's PSYNC spools a fetched recipient only in a handled domain (domains.tab or an
  // alias domain) or a custom domain (USmlDeliverFetchedMsg); the rest it skips.
  bool accepts(std::string_view domain) const;
  bool is_custom_domain(std::string_view domain) const;

  // The delivery of local@domain; `address` must have a '@'.
  Resolution resolve(std::string_view address) const;

 private:
  struct Walk;
  void visit(Walk& walk, std::string_view address) const;
  bool run_cmd_alias(Walk& walk, std::string_view address, std::string_view local,
                     std::string_view real_domain) const;
  void run_account(Walk& walk, std::string_view address, const MailUser& user) const;
  void run_list(Walk& walk, std::string_view address, const MailUser& list) const;
  void run_commands(Walk& walk, std::string_view address, const tabfile::Table& table,
                    std::string_view bare_name, const MailUser* user) const;
  void redirect(Walk& walk, std::string_view address, const tabfile::Table& table,
                const tabfile::Record& record, std::string_view bare_name) const;
  std::string custom_domain_file(std::string_view domain) const;

  AccountTables tables_;
  const DeliveryFiles& files_;
};

// "cmdaliases/<domain>/<user>.tab", lowercased as XMail's USmlGetCmdAliasFile does.
std::string cmd_alias_path(std::string_view domain, std::string_view user);

// What XMail does with one line of a mailproc.tab (`cmd_alias` false: USmlProcessCustom-
// MailingFile) or of a cmdaliases/ file (`cmd_alias` true: SMAILCustomProcessMessage).
enum class CommandKind { mailbox, redirect, needs_mta, ignored };
struct Command {
  CommandKind kind = CommandKind::ignored;
  std::optional<Error> problem;  // why an ignored line is ignored (file, line, field 1)
};
Command classify_command(const tabfile::Table& table, const tabfile::Record& record,
                         bool cmd_alias);

}  // namespace psyncd::spool
