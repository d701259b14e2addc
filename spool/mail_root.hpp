// MailRoot: the paths of an XMail MAIL_ROOT and of an account directory
// (docs/xmail-formats.md §5.1), plus a layout check listing what is missing. Path arithmetic only:
// it creates nothing, reads no table and does not lock. Domain directories are lowercased; account
// directories keep their case. Callers validate names from tables with is_safe_path_component()
// first.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::spool {

class MailRoot {
 public:
  explicit MailRoot(std::string root);

  const std::string& root() const { return root_; }
  // root/name, for files this class does not name.
  std::string path(std::string_view name) const;
  // `full` without the leading "root/" (as an admin names it in messages); other paths as
  // they are.
  std::string relative(std::string_view full) const;

  // Tables at the top level.
  std::string server_tab() const { return path("server.tab"); }
  std::string mailusers_tab() const { return path("mailusers.tab"); }
  std::string domains_tab() const { return path("domains.tab"); }
  std::string aliasdomain_tab() const { return path("aliasdomain.tab"); }
  std::string aliases_tab() const { return path("aliases.tab"); }
  std::string extaliases_tab() const { return path("extaliases.tab"); }
  std::string pop3links_tab() const { return path("pop3links.tab"); }
  std::string userdef_tab() const { return path("userdef.tab"); }

  // Other top-level files.
  std::string message_id_file() const { return path("message.id"); }
  std::string server_cert() const { return path("server.cert"); }
  std::string server_key() const { return path("server.key"); }
  std::string psync_trigger() const { return path(".psync-trigger"); }
  std::string shutdown_file() const { return path(".shutdown"); }

  // Top-level directories.
  std::string domains_dir() const { return path("domains"); }
  std::string spool_dir() const { return path("spool"); }
  std::string spool_local_dir() const { return path("spool/local"); }
  std::string spool_temp_dir() const { return path("spool/temp"); }
  std::string pop3links_dir() const { return path("pop3links"); }
  std::string pop3linklocks_dir() const { return path("pop3linklocks"); }
  std::string pop3locks_dir() const { return path("pop3locks"); }
  std::string msgsync_dir() const { return path("msgsync"); }
  std::string logs_dir() const { return path("logs"); }
  std::string tmp_dir() const { return path("tmp"); }
  std::string tabindex_dir() const { return path("tabindex"); }

  // domains/<domain lowercased>, its userdef.tab and its .tmp/ (temp files,
  // docs/xmail-formats.md §5.2).
  std::string domain_dir(std::string_view domain) const;
  std::string domain_userdef_tab(std::string_view domain) const;
  std::string domain_tmp_dir(std::string_view domain) const;

  // domains/<domain lowercased>/<account_dir> and what lives in it.
  std::string account_dir(std::string_view domain, std::string_view account_dir) const;
  std::string user_tab(std::string_view domain, std::string_view account_dir) const;
  std::string maildir(std::string_view domain, std::string_view account_dir) const;
  std::string maildir_tmp(std::string_view domain, std::string_view account_dir) const;
  std::string maildir_new(std::string_view domain, std::string_view account_dir) const;
  std::string maildir_cur(std::string_view domain, std::string_view account_dir) const;
  std::string mailbox_dir(std::string_view domain, std::string_view account_dir) const;

  // What psyncd needs to run, one Error (kind not_found or config) per missing or wrong entry:
  // the tables server.tab, domains.tab, mailusers.tab, pop3links.tab and the directories
  // domains/, spool/, pop3links/, pop3linklocks/, pop3locks/, msgsync/, logs/.
  std::vector<Error> check_layout() const;
  // check_layout() plus what a real XMail needs to start on the same tree
  // (docs/xmail-formats.md §5.1): message.id, aliases.tab, aliasdomain.tab, extaliases.tab,
  // tabindex/.
  std::vector<Error> check_xmail_layout() const;

 private:
  std::string root_;
};

// True for a name that may be used as one path component: not empty, not "." or "..", no '/'
// and no NUL. Domain and account-dir fields of the tables must pass before a path is built.
bool is_safe_path_component(std::string_view name);

}  // namespace psyncd::spool
