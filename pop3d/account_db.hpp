// AccountDb: the tables a POP3 login needs (mailusers.tab, domains.tab + aliasdomain.tab,
// server.tab, the global pop3.ipmap.tab), loaded once and reloaded when a file's mtime or size
// changes (refresh() costs one stat per file, so it can run at every login). Problems found in
// the tables are logged once per load with file:line. Single-threaded: the server's event loop
// owns it. It does not authenticate (auth.hpp) or open mailboxes (maildir_mailbox.hpp).
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "pop3d/ip_map.hpp"
#include "spool/domains.hpp"
#include "spool/mail_root.hpp"
#include "spool/mail_users.hpp"
#include "spool/server_config.hpp"

namespace psyncd::pop3d {

class AccountDb {
 public:
  explicit AccountDb(spool::MailRoot root);

  // Reloads what changed. Fails when a required table (mailusers.tab, domains.tab) cannot be
  // read; the previous snapshot stays in use then.
  Result<void> refresh();

  const spool::MailRoot& root() const { return root_; }
  const spool::MailUsers& users() const { return users_; }
  const spool::Domains& domains() const { return domains_; }
  const spool::ServerConfig& server() const { return server_; }
  const IpMap& ip_map() const { return ip_map_; }
  // POP3Domain, else RootDomain, else "" (MDomGetClientDomain without reverse DNS).
  const std::string& default_domain() const { return default_domain_; }

 private:
  struct Stamp {
    bool exists = false;
    std::timespec mtime{};
    long long size = -1;
    bool operator==(const Stamp& o) const {
      return exists == o.exists && mtime.tv_sec == o.mtime.tv_sec &&
             mtime.tv_nsec == o.mtime.tv_nsec && size == o.size;
    }
  };
  static Stamp stamp_of(const std::string& path);
  bool changed(std::size_t slot, const std::string& path);

  spool::MailRoot root_;
  spool::MailUsers users_;
  spool::Domains domains_;
  spool::ServerConfig server_;
  IpMap ip_map_;
  std::string default_domain_;
  std::vector<Stamp> stamps_;
  bool loaded_ = false;
};

}  // namespace psyncd::pop3d
