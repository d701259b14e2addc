// FetchRoute: where a fetched message goes. Turns a link plus the message's header block into
// delivery targets (one per local recipient): the local account of a plain link, or the
// addresses the rewriter (rewriter.hpp) finds for '@', '?' and '&' links, each resolved
// through domains.tab/aliasdomain.tab and mailusers.tab to its Maildir/new (or mailbox/ with
// -Mm). With --xmail-handoff there is one target, spool/local/, and the recipients go in the
// LMAIL envelope (B §5.5). Recipients that are not local accounts are listed as unroutable
// (Part A §1): the caller uses Pop3SyncErrorAccount or leaves the message on the server.
// It reads no file and writes nothing except creating a missing Maildir.
#pragma once

#include <string>
#include <vector>

#include "psync/fetch_hdr_tags.hpp"
#include "psync/header_reader.hpp"
#include "psync/link.hpp"
#include "spool/delivery_batch.hpp"
#include "spool/domains.hpp"
#include "spool/mail_root.hpp"
#include "spool/mail_users.hpp"

namespace psyncd::psync {

struct RouteConfig {
  const spool::MailRoot* root = nullptr;
  const spool::MailUsers* users = nullptr;
  const spool::Domains* domains = nullptr;
  bool mailbox_format = false;  // -Mm: domains/<d>/<a>/mailbox/ instead of Maildir/new
  bool handoff = false;         // --xmail-handoff: LMAIL drop files in spool/local/
  std::string error_account;    // Pop3SyncErrorAccount ("user@domain"), empty = none
  std::vector<HdrTag> hdr_tags = default_fetch_hdr_tags();
};

struct Route {
  std::vector<spool::Target> targets;  // empty: the message cannot be delivered
  std::vector<std::string> recipients; // local addresses delivered to (envelope order)
  std::vector<std::string> unroutable; // addresses that are not local accounts
  std::string sender;                  // envelope sender (B §4.8), "" = <>
  std::string reason;                  // why targets is empty
  bool to_error_account = false;
};

// The route for one message of `link`.
Route route_message(const RouteConfig& config, const Link& link, const HeaderBlock& headers);
// The route to the error account alone ("" reason when it is set and local).
Route route_error_account(const RouteConfig& config, const HeaderBlock& headers);

}  // namespace psyncd::psync
