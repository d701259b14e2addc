#include "psync/psync_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "common/ascii.hpp"
#include "common/log.hpp"
#include "psync/cycle_scheduler.hpp"
#include "psync/cycle_stale_temps.hpp"
#include "psync/fetch_group_sync.hpp"
#include "psync/link_lock.hpp"
#include "psync/link_table.hpp"
#include "psync/link_table_keeper.hpp"
#include "psync/psync_log.hpp"
#include "psync/rewrite_header_tags.hpp"
#include "spool/aliases.hpp"
#include "spool/delivery_files.hpp"
#include "spool/domains.hpp"
#include "spool/mail_root.hpp"
#include "spool/mail_users.hpp"
#include "spool/server_config.hpp"
#include "tabfile/tab_reader.hpp"

namespace psyncd::psync {

namespace {

struct Tables {
  spool::ServerConfig server;
  spool::MailUsers users;
  spool::Domains domains;
  spool::Aliases aliases;
  LinkTable links;
  std::map<int, std::string> authtype_text;  // line -> raw field 6, for the psync log
  std::string links_status;                  // KeptTable::status
  bool links_kept = false;                   // KeptTable::kept: the file is not used
};

Result<Tables> load_tables(const spool::MailRoot& root, LinkTableKeeper& keeper) {
  Tables t;
  auto server = spool::ServerConfig::load(root.server_tab());
  if (server) t.server = std::move(*server);  // a missing server.tab means all defaults
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

// docs/xmail-formats.md §3.5: the .disabled file lives in the account directory (local links) or
// pop3links/.
bool is_disabled(const spool::MailRoot& root, const Tables& t, const Link& link) {
  std::string dir = root.pop3links_dir();
  if (link.kind == LinkKind::local) {
    const spool::MailUser* user = t.users.find(link.target, link.local_account, t.domains);
    if (user == nullptr) return false;
    dir = root.account_dir(user->domain, user->dir);
  }
  return fs::exists(fs::join(dir, disabled_file_name(link)));
}

RouteConfig route_config(const PsyncConfig& c, const spool::MailRoot& root, const Tables& t) {
  RouteConfig r;
  r.root = &root;
  r.users = &t.users;
  r.domains = &t.domains;
  r.aliases = &t.aliases;
  r.files = std::make_shared<spool::MailRootFiles>(root.root());  // read once per cycle
  r.mailbox_format = c.mailbox_format;
  r.handoff = c.handoff;
  r.error_account = t.server.get("Pop3SyncErrorAccount").value_or("");
  if (auto tags = t.server.get("FetchHdrTags")) {
    auto parsed = parse_fetch_hdr_tags(*tags);
    for (const auto& p : parsed.problems) log::warn("{}", p.to_string());
    r.hdr_tags = parsed.tags;
  }
  return r;
}

// One line of pop3links.tab: a usable link, or a refused one (then `refused` says why).
struct TableLine {
  const Link* link;
  const InvalidLink* refused;
};

std::vector<TableLine> in_file_order(const LinkTable& table) {
  std::vector<TableLine> out;
  for (const Link& l : table.links) out.push_back({&l, nullptr});
  for (const InvalidLink& r : table.invalid) out.push_back({&r.link, &r});
  std::stable_sort(out.begin(), out.end(), [](const TableLine& a, const TableLine& b) {
    return a.link->line < b.link->line;
  });
  return out;
}

PsyncLogEntry log_entry(const Tables& t, const Link& link, const LinkResult& r) {
  PsyncLogEntry e;
  e.local_domain = link.local_domain;
  e.local_account = link.local_account;
  e.remote_domain = link.remote_spec;
  e.remote_user = link.remote_user;
  if (auto it = t.authtype_text.find(link.line); it != t.authtype_text.end()) {
    e.authtype = it->second;
  }
  e.status = r.ok ? "SYNC=OK" : "SYNC=EFAIL";
  e.msgs = r.messages;
  e.bytes = r.bytes;
  e.msgs_not = r.not_synced;
  e.bytes_not = r.not_synced_bytes;
  return e;
}

}  // namespace

bool CycleReport::ok() const {
  return std::all_of(links.begin(), links.end(), [](const LinkReport& l) {
    OutcomeKind k = kind_of(l);
    return k == OutcomeKind::ok || k == OutcomeKind::disabled;
  });
}

PsyncService::PsyncService(PsyncConfig config)
    : config_(std::move(config)),
      host_delay_(std::chrono::seconds(kDefaultFailedHostDelay)),
      account_delay_(std::chrono::seconds(kDefaultFailedAccountDelay)) {}

LinkDelay PsyncService::delay_of(const Link& link) const {
  std::lock_guard lock(mutex_);
  return delay_locked(link);
}

LinkDelay PsyncService::delay_locked(const Link& link) const {
  LinkDelay out;
  auto steady = config_.clock->steady_now();
  auto wall = config_.clock->now();
  auto consider = [&](const Backoff& b, const std::string& key, std::string scope) {
    auto length = b.delay(key);
    auto retry = b.retry_at(key);
    if (!length || !retry) return;
    auto until =
        wall + std::chrono::duration_cast<std::chrono::system_clock::duration>(*retry - steady);
    if (out.length.count() != 0 && until <= out.until) return;
    out = LinkDelay{*length, until, std::move(scope)};
  };
  std::string host = ascii_lower(link.remote.host);
  consider(host_delay_, host, "host " + host);
  consider(account_delay_, link_key(link), "account");
  return out;
}

// Called once per link and cycle, whatever happened to it.
void PsyncService::finish(size_t index, LinkReport& report) {
  {
    std::lock_guard lock(mutex_);
    report.delay = delay_locked(report.link);
  }
  if (config_.observer != nullptr) config_.observer->link_finished(index, report);
}

Result<CycleReport> PsyncService::run_cycle() {
  spool::MailRoot root(config_.mail_root);
  CycleReport report;
  auto tables = load_tables(root, links_keeper_);
  if (!tables) return tables.error();
  Tables& t = *tables;
  // Table problems are reported when they change, not at every cycle (the daemon logs them).
  std::vector<std::string> problems;
  if (t.links_kept) problems.push_back(t.links_status);
  for (const auto& p : t.links.problems) problems.push_back(p.to_string());
  if (problems != last_problems_) report.problems = problems;
  last_problems_ = std::move(problems);
  report.links_status = t.links_status;
  if (config_.observer != nullptr) config_.observer->links_table(t.links_status);
  {
    std::lock_guard lock(mutex_);
    host_delay_.set_base(
        std::chrono::seconds(t.server.get_int("PsyncFailedHostDelay", kDefaultFailedHostDelay)));
    account_delay_.set_base(std::chrono::seconds(
        t.server.get_int("PsyncFailedAccountDelay", kDefaultFailedAccountDelay)));
  }

  FetchEnv env;
  env.route = route_config(config_, root, t);
  env.fs = config_.fs != nullptr ? config_.fs : &shared_group_sync_fs();
  env.route.fs = env.fs;
  env.clock = config_.clock;
  env.io_timeout = config_.io_timeout;
  env.stop = config_.stop;
  env.connect = config_.connect ? config_.connect : curl_factory(root.root(), config_.io_timeout);

  // Leftovers of killed processes: lock side files at every cycle (one directory scan),
  // old link temp files at the first cycle and then daily (cycle_stale_temps.hpp).
  remove_dead_lock_side_files(root.pop3linklocks_dir());
  const auto started = config_.clock->steady_now();
  if (!last_sweep_ || started - *last_sweep_ >= std::chrono::hours(24)) {
    last_sweep_ = started;
    (void)sweep_link_temps(*env.fs, root, *config_.clock);
  }

  // Refused lines take their place in file order as failed links, so that --once's exit
  // status and --status show them (a cron job would not notice a line that is left out).
  const std::vector<TableLine> lines = in_file_order(t.links);
  std::vector<Link> all;
  for (const TableLine& l : lines) all.push_back(*l.link);
  if (config_.observer != nullptr) config_.observer->cycle_started(all);
  auto now = config_.clock->steady_now();
  std::vector<size_t> due;  // indexes into report.links
  std::vector<std::string> hosts;
  for (const Link& link : all) {
    LinkReport lr;
    lr.link = link;
    if (const InvalidLink* refused = lines[report.links.size()].refused) {
      lr.outcome = LinkOutcome::invalid;
      lr.note = refused->reason;
      report.links.push_back(std::move(lr));
      finish(report.links.size() - 1, report.links.back());
      continue;
    }
    std::string host = ascii_lower(link.remote.host);
    bool host_ok = false;
    bool account_ok = false;
    bool run_now = false;
    {
      std::lock_guard lock(mutex_);
      host_ok = host_delay_.allowed(host, now);
      account_ok = account_delay_.allowed(link_key(link), now);
    }
    if (is_disabled(root, t, link)) {
      lr.outcome = LinkOutcome::disabled;
    } else if (!host_ok || !account_ok) {
      lr.outcome = LinkOutcome::delayed;
      lr.note = host_ok ? "account" : "host " + host;
    } else if (is_self_poll(link, config_.self, t.users, t.domains)) {
      lr.outcome = LinkOutcome::self_poll;
      lr.note = "refused: the remote is our own POP3 server and account (self-poll)";
      log::error("{}: {}", link.remote_user + "@" + link.remote_spec, lr.note);
    } else {
      run_now = true;
      due.push_back(report.links.size());
      hosts.push_back(host);
    }
    report.links.push_back(std::move(lr));
    if (!run_now) finish(report.links.size() - 1, report.links.back());
  }

  PoolLimits limits;
  limits.threads = config_.threads;
  limits.per_host = static_cast<unsigned>(std::max(1LL, t.server.get_int("PsyncMaxPerHost", 4)));
  CycleObserver* observer = config_.observer;
  auto job = [&](size_t i) {
    size_t index = due[i];
    LinkReport& lr = report.links[index];  // this worker's own element
    if (observer != nullptr) observer->link_started(index, lr.link);
    FetchEnv link_env = env;
    if (observer != nullptr) {
      link_env.progress = [&lr, index, observer](const FetchProgress& p) {
        observer->link_progress(index, lr.link, p);
      };
    }
    LinkResult r = sync_link(link_env, lr.link);
    lr.result = r;
    if (r.skipped) {
      lr.outcome = LinkOutcome::skipped_lock;
      lr.note = r.error.to_string();
    } else {
      std::lock_guard lock(mutex_);
      auto end = config_.clock->steady_now();
      if (r.ok) {
        host_delay_.success(hosts[i]);
        account_delay_.success(link_key(lr.link));
      } else if (r.scope == FailureScope::host) {
        host_delay_.failure(hosts[i], end);
      } else if (r.scope == FailureScope::account) {
        account_delay_.failure(link_key(lr.link), end);
      }
      if (config_.log) {
        auto w = append_psync_log(root.logs_dir(), config_.clock->now(), config_.rotate_hours,
                                  log_entry(t, lr.link, r));
        if (!w) log::error("psync log: {}", w.error().to_string());
      }
    }
    finish(index, lr);
  };
  auto ran = run_pool(hosts, limits, job, config_.stop);
  for (size_t i = 0; i < ran.size(); ++i) {
    if (!ran[i]) {
      report.links[due[i]].outcome = LinkOutcome::stopped;
      report.links[due[i]].note = "psyncd was stopping before its turn came";
      finish(due[i], report.links[due[i]]);
    }
  }
  if (config_.observer != nullptr) config_.observer->cycle_finished();
  return report;
}

}  // namespace psyncd::psync
