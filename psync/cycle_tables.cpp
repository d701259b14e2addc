#include "psync/cycle_tables.hpp"

#include <algorithm>

#include "common/fs.hpp"
#include "common/log.hpp"
#include "psync/link.hpp"
#include "psync/rewrite_header_tags.hpp"
#include "spool/delivery_files.hpp"

namespace psyncd::psync {

Result<CycleTables> load_cycle_tables(const spool::MailRoot& root, LinkTableKeeper& keeper) {
  CycleTables t;
  auto server = spool::ServerConfig::load(root.server_tab());
  if (server) t.server = std::move(*server);
  auto users = spool::MailUsers::load(root.mailusers_tab());
  if (!users) return users.error();
  t.users = std::move(*users);
  auto domains = spool::Domains::load(root.domains_tab(), root.aliasdomain_tab());
  if (!domains) return domains.error();
  t.domains = std::move(*domains);
  auto aliases = spool::Aliases::load(root.aliases_tab());
  if (!aliases) return aliases.error();
  t.aliases = std::move(*aliases);
  const spool::MailUsers& u = t.users;
  const spool::Domains& d = t.domains;
  auto kept = keeper.update(fs::read_file(root.pop3links_tab()), root.pop3links_tab(),
                            [&u, &d](const std::string& dom, const std::string& acct) {
                              return u.find(dom, acct, d) != nullptr;
                            });
  if (!kept) return kept.error();
  t.links = std::move(kept->links);
  t.authtype_text = std::move(kept->authtype_text);
  t.links_status = std::move(kept->status);
  t.links_kept = kept->kept;
  return t;
}

std::vector<TableLine> in_file_order(const LinkTable& table) {
  std::vector<TableLine> out;
  for (const Link& l : table.links) out.push_back({&l, nullptr});
  for (const InvalidLink& r : table.invalid) out.push_back({&r.link, &r});
  std::stable_sort(out.begin(), out.end(), [](const TableLine& a, const TableLine& b) {
    return a.link->line < b.link->line;
  });
  return out;
}

bool is_disabled(const spool::MailRoot& root, const CycleTables& t, const Link& link) {
  std::string dir = root.pop3links_dir();
  if (link.kind == LinkKind::local) {
    const spool::MailUser* user = t.users.find(link.target, link.local_account, t.domains);
    if (user == nullptr) return false;
    dir = root.account_dir(user->domain, user->dir);
  }
  return fs::exists(fs::join(dir, disabled_file_name(link)));
}

RouteConfig route_config(const spool::MailRoot& root, const CycleTables& t, bool mailbox_format,
                         bool handoff) {
  RouteConfig r;
  r.root = &root;
  r.users = &t.users;
  r.domains = &t.domains;
  r.aliases = &t.aliases;
  r.files = std::make_shared<spool::MailRootFiles>(root.root());  // read once per cycle
  r.mailbox_format = mailbox_format;
  r.handoff = handoff;
  r.error_account = t.server.get("Pop3SyncErrorAccount").value_or("");
  r.relay = load_relay_config(t.server);
  if (r.relay != nullptr && !r.relay->broken.empty())
    log::error("{}: {}: messages that need the relay stay on the server", root.server_tab(),
               r.relay->broken);
  if (auto tags = t.server.get("FetchHdrTags")) {
    auto parsed = parse_fetch_hdr_tags(*tags);
    for (const auto& p : parsed.problems) log::warn("{}", p.to_string());
    r.hdr_tags = parsed.tags;
  }
  return r;
}

std::vector<std::string> table_problems(const CycleTables& t) {
  std::vector<std::string> problems;
  if (t.links_kept) problems.push_back(t.links_status);
  for (const auto& p : t.links.problems) problems.push_back(p.to_string());
  return problems;
}

}  // namespace psyncd::psync
