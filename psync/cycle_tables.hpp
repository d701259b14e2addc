// The tables one PSYNC cycle reads from MAIL_ROOT, loaded once at its start: server.tab,
// mailusers.tab, domains.tab (+ aliasdomain.tab), aliases.tab and pop3links.tab (through the
// LinkTableKeeper, which keeps the last good pop3links.tab when the file turns bad), and what
// a cycle derives from them without I/O beyond a stat: links in file order with the refused
// ones in their places, whether a link is disabled, the routing configuration.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "psync/fetch_route.hpp"
#include "psync/link_table.hpp"
#include "psync/link_table_keeper.hpp"
#include "spool/aliases.hpp"
#include "spool/domains.hpp"
#include "spool/mail_root.hpp"
#include "spool/mail_users.hpp"
#include "spool/server_config.hpp"

namespace psyncd::psync {

struct CycleTables {
  spool::ServerConfig server;
  spool::MailUsers users;
  spool::Domains domains;
  spool::Aliases aliases;
  LinkTable links;
  std::map<int, std::string> authtype_text;  // line -> raw field 6, for the psync log
  std::string links_status;                  // KeptTable::status
  bool links_kept = false;                   // KeptTable::kept: the file is not used
};

// Fails when mailusers.tab, domains.tab or aliases.tab is unreadable, or pop3links.tab is
// unusable and no good copy is kept; a missing server.tab means all defaults.
Result<CycleTables> load_cycle_tables(const spool::MailRoot& root, LinkTableKeeper& keeper);

// One line of pop3links.tab: a usable link, or a refused one (then `refused` says why).
struct TableLine {
  const Link* link;
  const InvalidLink* refused;
};
std::vector<TableLine> in_file_order(const LinkTable& table);

// docs/xmail-formats.md §3.5: the link's .disabled file exists (in the account directory for
// local links, in pop3links/ for the others).
bool is_disabled(const spool::MailRoot& root, const CycleTables& t, const Link& link);

// The routing configuration of this cycle: tables, error account, FetchHdrTags (a bad list is
// logged as a warning and the default kept), -Mm and --xmail-handoff.
RouteConfig route_config(const spool::MailRoot& root, const CycleTables& t, bool mailbox_format,
                         bool handoff);

// The table problems a cycle reports: the "NOT USED" status of a kept pop3links.tab first, then
// each "file:line: ..." problem.
std::vector<std::string> table_problems(const CycleTables& t);

}  // namespace psyncd::psync
