#include "pop3d/account_db.hpp"

#include <sys/stat.h>

#include "common/log.hpp"

namespace psyncd::pop3d {

namespace {

enum Slot : std::size_t { kUsers, kDomains, kAliasDomains, kServer, kIpMap, kSlots };

void log_problems(const std::vector<Error>& problems) {
  for (const auto& p : problems) log::warn("pop3d: {}", p.to_string());
}

}  // namespace

AccountDb::AccountDb(spool::MailRoot root) : root_(std::move(root)), stamps_(kSlots) {}

AccountDb::Stamp AccountDb::stamp_of(const std::string& path) {
  struct stat st {};
  Stamp s;
  if (::stat(path.c_str(), &st) != 0) return s;
  s.exists = true;
  s.mtime = st.st_mtim;
  s.size = static_cast<long long>(st.st_size);
  return s;
}

bool AccountDb::changed(std::size_t slot, const std::string& path) {
  const Stamp now = stamp_of(path);
  if (loaded_ && now == stamps_[slot]) return false;
  stamps_[slot] = now;
  return true;
}

Result<void> AccountDb::refresh() {
  const bool users_changed = changed(kUsers, root_.mailusers_tab());
  // Both tables are looked at (no short circuit), so each one's last-seen state is kept.
  const bool plain_domains_changed = changed(kDomains, root_.domains_tab());
  const bool alias_domains_changed = changed(kAliasDomains, root_.aliasdomain_tab());
  const bool domains_changed = plain_domains_changed || alias_domains_changed;
  const bool server_changed = changed(kServer, root_.server_tab());
  const bool ipmap_changed = changed(kIpMap, root_.path("pop3.ipmap.tab"));
  const bool first = !loaded_;
  loaded_ = true;
  if (users_changed || first) {
    auto users = spool::MailUsers::load(root_.mailusers_tab());
    if (!users) {
      stamps_[kUsers] = {};
      return users.error();
    }
    users_ = std::move(*users);
    log_problems(users_.problems());
  }
  if (domains_changed || first) {
    auto domains = spool::Domains::load(root_.domains_tab(), root_.aliasdomain_tab());
    if (!domains) {
      stamps_[kDomains] = {};
      return domains.error();
    }
    domains_ = std::move(*domains);
    log_problems(domains_.problems());
  }
  if (server_changed || first) {
    // server.tab is optional for POP3: without it every variable has its default.
    auto server = spool::ServerConfig::load(root_.server_tab());
    server_ = server ? std::move(*server) : spool::ServerConfig{};
    if (server) log_problems(server_.problems());
    default_domain_ = server_.get("POP3Domain").value_or(server_.get("RootDomain").value_or(""));
  }
  if (ipmap_changed || first) {
    auto map = IpMap::load(root_.path("pop3.ipmap.tab"));
    if (!map) {
      log::warn("pop3d: {}", map.error().to_string());
      ip_map_ = IpMap{};
    } else {
      ip_map_ = std::move(*map);
      log_problems(ip_map_.problems());
    }
  }
  return {};
}

}  // namespace psyncd::pop3d
