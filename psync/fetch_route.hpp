// FetchRoute: where a fetched message goes. Turns a link plus the message's header block into
// the recipient list (the local account of a plain link, or what the rewriter
// (rewrite_recipients.hpp) finds for '@', '?' and '&' links) and hands it to
// spool::RecipientRouter, which resolves each recipient as XMail's local delivery does (aliases,
// lists, mailproc.tab, cmdaliases) and sends what psyncd cannot deliver to Pop3SyncErrorAccount. A
// recipient left with no target keeps the message on the server: the route is then empty with a
// reason. With --xmail-handoff nothing is resolved: every recipient XMail's PSYNC would accept (a
// local or custom domain) goes into the LMAIL envelope of one drop file in spool/local/ and XMail
// resolves it; other recipients go to Pop3SyncErrorAccount's address or keep the message.
// Warnings (rewriter, skipped table lines) are logged once per cycle. It writes nothing except
// creating a missing Maildir.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "mail/header_reader.hpp"
#include "psync/link.hpp"
#include "psync/relay_config.hpp"
#include "psync/rewrite_header_tags.hpp"
#include "spool/aliases.hpp"
#include "spool/delivery_batch.hpp"
#include "spool/delivery_files.hpp"
#include "spool/domains.hpp"
#include "spool/local_resolver.hpp"
#include "spool/mail_root.hpp"
#include "spool/mail_users.hpp"

namespace psyncd::psync {

// A set of strings shared by the threads of one cycle: the warnings already logged (a warning
// that every message of a link repeats is said once) and the target directories already seen.
class SharedSet {
 public:
  // Adds `key`; true when it was not there yet.
  bool insert(const std::string& key);
  bool contains(const std::string& key) const;

 private:
  mutable std::mutex mutex_;
  std::set<std::string> keys_;
};

struct RouteConfig {
  const spool::MailRoot* root = nullptr;
  fs::FileSystem* fs = nullptr;  // makes missing mailbox directories; null: fs::posix()
  const spool::MailUsers* users = nullptr;
  const spool::Domains* domains = nullptr;
  const spool::Aliases* aliases = nullptr;            // null: no aliases.tab
  std::shared_ptr<const spool::DeliveryFiles> files;  // mailproc.tab, cmdaliases/, ...
  bool mailbox_format = false;               // -Mm: domains/<d>/<a>/mailbox/ instead of Maildir/new
  bool handoff = false;                      // --xmail-handoff: LMAIL drop files in spool/local/
  std::string error_account;                 // Pop3SyncErrorAccount ("user@domain"), empty = none
  std::shared_ptr<const RelayConfig> relay;  // null: no DefaultSMTPGateways, no relay
  std::vector<HdrTag> hdr_tags = default_fetch_hdr_tags();
  // Rewriter warnings logged so far; a cycle builds a new RouteConfig, so once per cycle.
  std::shared_ptr<SharedSet> warned = std::make_shared<SharedSet>();
  // Target directories seen to exist, so a message costs no stat of its mailbox directory.
  // Per cycle too: a mailbox an admin removes mid-cycle fails its deliveries (the messages
  // stay on the server) and is made again next cycle.
  std::shared_ptr<SharedSet> known_dirs = std::make_shared<SharedSet>();
};

struct Route {
  std::vector<spool::Target> targets;  // empty: the message cannot be delivered
  // Accounts delivered to, "user@domain"; with --xmail-handoff the envelope's recipients.
  std::vector<std::string> recipients;
  std::vector<std::string> unroutable;  // addresses that are not local accounts
  std::vector<spool::RelayNeed> relay;  // for the SMTP gateway (fetch_relay.hpp)
  std::string sender;                   // envelope sender (USmlExtractFromAddress), "" = <>
  std::string reason;                   // why targets and relay are empty
  bool to_error_account = false;        // every recipient went to Pop3SyncErrorAccount
};

// The journal key of a relayed recipient: apart from the local accounts' keys.
std::string relay_key(const std::string& address);

// The route for one message of `link`.
Route route_message(const RouteConfig& config, const Link& link, const mail::HeaderBlock& headers);
// The route to the error account alone ("" reason when it is set and local).
Route route_error_account(const RouteConfig& config, const mail::HeaderBlock& headers);

}  // namespace psyncd::psync
