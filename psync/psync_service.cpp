#include "psync/psync_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "common/ascii.hpp"
#include "common/log.hpp"
#include "psync/cycle_scheduler.hpp"
#include "psync/cycle_stale_temps.hpp"
#include "psync/cycle_tables.hpp"
#include "psync/fetch_group_sync.hpp"
#include "psync/link_lock.hpp"
#include "psync/psync_log.hpp"
#include "smtp/curl_sender.hpp"
#include "spool/mail_root.hpp"
#include "spool/server_config.hpp"

namespace psyncd::psync {

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
  auto tables = load_cycle_tables(root, links_keeper_);
  if (!tables) return tables.error();
  const CycleTables& t = *tables;
  CycleReport report;
  note_table(t, report);
  set_delay_bases(t.server);
  const FetchEnv env = fetch_env(root, t);
  sweep_leftovers(root, *env.fs);
  const std::vector<DueLink> due = triage(root, t, report);
  sync_due(root, t, env, due, report);
  if (config_.observer != nullptr) config_.observer->cycle_finished();
  return report;
}

// Table problems are reported when they change, not at every cycle (the daemon logs them).
void PsyncService::note_table(const CycleTables& t, CycleReport& report) {
  std::vector<std::string> problems = table_problems(t);
  if (problems != last_problems_) report.problems = problems;
  last_problems_ = std::move(problems);
  report.links_status = t.links_status;
  if (config_.observer != nullptr) config_.observer->links_table(t.links_status);
}

void PsyncService::set_delay_bases(const spool::ServerConfig& server) {
  std::lock_guard lock(mutex_);
  host_delay_.set_base(
      std::chrono::seconds(server.get_int("PsyncFailedHostDelay", kDefaultFailedHostDelay)));
  account_delay_.set_base(
      std::chrono::seconds(server.get_int("PsyncFailedAccountDelay", kDefaultFailedAccountDelay)));
}

FetchEnv PsyncService::fetch_env(const spool::MailRoot& root, const CycleTables& t) const {
  FetchEnv env;
  env.route = route_config(root, t, config_.mailbox_format, config_.handoff);
  env.fs = config_.fs != nullptr ? config_.fs : &shared_group_sync_fs();
  env.route.fs = env.fs;
  env.clock = config_.clock;
  env.io_timeout = config_.io_timeout;
  env.stop = config_.stop;
  env.connect = config_.connect
                    ? config_.connect
                    : curl_factory(root.root(), config_.io_timeout, config_.trace, shared_tls_);
  env.oauth = config_.oauth ? config_.oauth : oauth_token_source(root.root(), config_.io_timeout);
  if (env.route.relay != nullptr)
    env.relay_sender =
        std::make_shared<smtp::CurlSender>(smtp::CurlSenderOptions{config_.io_timeout, ""});
  return env;
}

// Leftovers of killed processes: lock side files at every cycle (one directory scan), old link
// temp files at the first cycle and then daily (cycle_stale_temps.hpp).
void PsyncService::sweep_leftovers(const spool::MailRoot& root, fs::FileSystem& files) {
  remove_dead_lock_side_files(root.pop3linklocks_dir());
  const auto now = config_.clock->steady_now();
  if (!last_sweep_ || now - *last_sweep_ >= std::chrono::hours(24)) {
    last_sweep_ = now;
    (void)sweep_link_temps(files, root, *config_.clock);
  }
}

// Every line of pop3links.tab gets its LinkReport, in file order. Refused lines take their place
// as failed links, so that --once's exit status and --status show them (a cron job would not
// notice a line that is left out); links that do not run now are finished here; the rest are due.
std::vector<PsyncService::DueLink> PsyncService::triage(const spool::MailRoot& root,
                                                        const CycleTables& t, CycleReport& report) {
  const std::vector<TableLine> lines = in_file_order(t.links);
  std::vector<Link> all;
  all.reserve(lines.size());
  for (const TableLine& l : lines) all.push_back(*l.link);
  if (config_.observer != nullptr) config_.observer->cycle_started(all);
  const auto now = config_.clock->steady_now();
  std::vector<DueLink> due;
  for (const TableLine& line : lines) {
    LinkReport lr;
    lr.link = *line.link;
    std::string host = ascii_lower(lr.link.remote.host);
    bool runs = false;
    if (line.refused != nullptr) {
      lr.outcome = LinkOutcome::invalid;
      lr.note = line.refused->reason;
    } else {
      runs = !held_back(root, t, host, now, lr);
    }
    if (runs) due.push_back({report.links.size(), std::move(host)});
    report.links.push_back(std::move(lr));
    if (!runs) finish(report.links.size() - 1, report.links.back());
  }
  return due;
}

// Whether a usable link sits this cycle out (disabled, delayed after failures, self-poll); if so
// its outcome and note say why.
bool PsyncService::held_back(const spool::MailRoot& root, const CycleTables& t,
                             const std::string& host, std::chrono::steady_clock::time_point now,
                             LinkReport& lr) {
  bool host_ok = false;
  bool account_ok = false;
  {
    std::lock_guard lock(mutex_);
    host_ok = host_delay_.allowed(host, now);
    account_ok = account_delay_.allowed(link_key(lr.link), now);
  }
  if (is_disabled(root, t, lr.link)) {
    lr.outcome = LinkOutcome::disabled;
  } else if (!host_ok || !account_ok) {
    lr.outcome = LinkOutcome::delayed;
    lr.note = host_ok ? "account" : "host " + host;
  } else if (is_self_poll(lr.link, config_.self, t.users, t.domains)) {
    lr.outcome = LinkOutcome::self_poll;
    lr.note = "refused: the remote is our own POP3 server and account (self-poll)";
    log::error("{}: {}", lr.link.remote_user + "@" + lr.link.remote_spec, lr.note);
  } else {
    return false;
  }
  return true;
}

// The due links on the worker pool (-Yt workers, PsyncMaxPerHost per remote host); links the pool
// did not start because psyncd is stopping end as "stopped".
void PsyncService::sync_due(const spool::MailRoot& root, const CycleTables& t, const FetchEnv& env,
                            const std::vector<DueLink>& due, CycleReport& report) {
  PoolLimits limits;
  limits.threads = config_.threads;
  // No cap of its own by default: a provider that hosts most of the links would otherwise
  // set the pace of the whole cycle (docs/performance.md, "Polling many links").
  const long long per_host = t.server.get_int("PsyncMaxPerHost", 0);
  limits.per_host =
      per_host > 0 ? static_cast<unsigned>(std::min<long long>(per_host, 1024)) : limits.threads;
  std::vector<std::string> hosts;
  hosts.reserve(due.size());
  for (const DueLink& d : due) hosts.push_back(d.host);
  auto job = [&](size_t i) { sync_one(root, t, env, due[i], report.links[due[i].index]); };
  auto ran = run_pool(hosts, limits, job, config_.stop);
  for (size_t i = 0; i < ran.size(); ++i) {
    if (ran[i]) continue;
    LinkReport& lr = report.links[due[i].index];
    lr.outcome = LinkOutcome::stopped;
    lr.note = "psyncd was stopping before its turn came";
    finish(due[i].index, lr);
  }
}

// One worker's link: `lr` is this worker's own element of the report.
void PsyncService::sync_one(const spool::MailRoot& root, const CycleTables& t, const FetchEnv& env,
                            const DueLink& due, LinkReport& lr) {
  CycleObserver* observer = config_.observer;
  if (observer != nullptr) observer->link_started(due.index, lr.link);
  FetchEnv link_env = env;
  if (observer != nullptr) {
    link_env.progress = [&lr, index = due.index, observer](const FetchProgress& p) {
      observer->link_progress(index, lr.link, p);
    };
  }
  lr.result = sync_link(link_env, lr.link);
  if (lr.result.skipped) {
    lr.outcome = LinkOutcome::skipped_lock;
    lr.note = lr.result.error.to_string();
  } else {
    record_result(root, t, due.host, lr);
  }
  finish(due.index, lr);
}

// A session that ran: the failure delays learn from it, and the -Yl log gets its line.
void PsyncService::record_result(const spool::MailRoot& root, const CycleTables& t,
                                 const std::string& host, const LinkReport& lr) {
  const LinkResult& r = lr.result;
  std::lock_guard lock(mutex_);
  auto end = config_.clock->steady_now();
  if (r.ok) {
    host_delay_.success(host);
    account_delay_.success(link_key(lr.link));
  } else if (r.scope == FailureScope::host) {
    host_delay_.failure(host, end);
  } else if (r.scope == FailureScope::account) {
    account_delay_.failure(link_key(lr.link), end);
  }
  if (!config_.log) return;
  auto it = t.authtype_text.find(lr.link.line);
  std::string authtype = it != t.authtype_text.end() ? it->second : "";
  auto w = append_psync_log(root.logs_dir(), config_.clock->now(), config_.rotate_hours,
                            psync_log_entry(lr.link, authtype, r));
  if (!w) log::error("psync log: {}", w.error().to_string());
}

}  // namespace psyncd::psync
