#include "admin/mail_root_create.hpp"

#include "admin/names.hpp"
#include "admin/table_file.hpp"
#include "tabfile/tab_writer.hpp"

namespace psyncd::admin {

namespace {

// Directories of XMail's tree (its MailRoot plus what its servers create at start) and
// psyncd's own.
constexpr const char* kDirectories[] = {
    "domains",       "spool",         "spool/local",   "spool/temp", "pop3links",
    "pop3linklocks", "pop3locks",     "msgsync",       "logs",       "tmp",
    "tabindex",      "cmdaliases",    "custdomains",   "filters",    "dnscache/mx",
    "dnscache/ns",   "userauth/pop3", "userauth/smtp", "psyncd",
};

// Tables XMail ships empty; psyncd reads some of them, XMail needs the others to start.
constexpr const char* kEmptyTables[] = {
    "domains.tab",
    "mailusers.tab",
    "aliases.tab",
    "aliasdomain.tab",
    "extaliases.tab",
    "ctrlaccounts.tab",
    "smtpgw.tab",
    "smtpfwd.tab",
    "smtprelay.tab",
    "smtpauth.tab",
    "smtpextauth.tab",
    "smtp.ipprop.tab",
    "spammers.tab",
    "spam-address.tab",
    "filters.in.tab",
    "filters.out.tab",
    "filters.pre-data.tab",
    "filters.post-data.tab",
    "filters.post-rcpt.tab",
};

constexpr const char* kIpmapTables[] = {"pop3.ipmap.tab", "smtp.ipmap.tab", "ctrl.ipmap.tab",
                                        "finger.ipmap.tab"};

std::string record(const std::vector<tabfile::OutField>& fields) {
  return tabfile::format_line(fields);
}

std::string server_tab(const CreateRootOptions& options) {
  std::string text;
  if (!options.root_domain.empty()) {
    text += record({{"RootDomain"}, {options.root_domain}});
    text += record({{"POP3Domain"}, {options.root_domain}});
  }
  return text;
}

std::string pop3links_tab() {
  return "# \"local-domain\"\t\"local-account\"\t\"server[:port]\"\t\"remote-user\"\t"
         "\"xmcrypt-password\"\t\"authtype\"  (docs/admin-guide.md; psyncctl poplnkadd)\n";
}

class Maker {
 public:
  Maker(fs::FileSystem& fs, std::string root) : fs_(fs), root_(std::move(root)) {}

  Result<void> dir(const std::string& name) {
    std::string p = name.empty() ? root_ : fs::join(root_, name);
    if (fs::is_directory(p)) return {};
    if (fs::exists(p)) return Error{ErrorKind::config, p, 0, {}, "exists and is not a directory"};
    if (auto r = fs_.make_dirs(p, 0755); !r) return r;
    made_.push_back(p + "/");
    return {};
  }

  Result<void> file(const std::string& name, const std::string& text) {
    std::string p = fs::join(root_, name);
    if (fs::exists(p)) return {};
    if (auto r = write_new_table(fs_, p, text); !r) return r;
    made_.push_back(p);
    return {};
  }

  std::vector<std::string> made() && { return std::move(made_); }

 private:
  fs::FileSystem& fs_;
  std::string root_;
  std::vector<std::string> made_;
};

}  // namespace

Result<std::vector<std::string>> create_mail_root(fs::FileSystem& fs, const std::string& root,
                                                  const CreateRootOptions& options) {
  if (!options.root_domain.empty()) {
    if (auto r = check_domain_name(options.root_domain, "--domain"); !r) return r.error();
  }
  Maker make(fs, root);
  if (auto r = make.dir(""); !r) return r.error();
  for (const char* d : kDirectories)
    if (auto r = make.dir(d); !r) return r.error();
  for (const char* t : kEmptyTables)
    if (auto r = make.file(t, ""); !r) return r.error();
  std::string allow_all = record({{"0.0.0.0"}, {"0.0.0.0"}, {"ALLOW"}, {"1", false}});
  for (const char* t : kIpmapTables)
    if (auto r = make.file(t, allow_all); !r) return r.error();
  std::string userdef = record({{"PopEnable"}, {"1"}}) + record({{"ReceiveEnable"}, {"1"}}) +
                        record({{"MaxMBSize"}, {"0"}});
  for (auto [name, text] :
       {std::pair{"server.tab", server_tab(options)}, std::pair{"pop3links.tab", pop3links_tab()},
        std::pair{"userdef.tab", userdef}, std::pair{"message.id", std::string("1\n")}}) {
    if (auto r = make.file(name, text); !r) return r.error();
  }
  return std::move(make).made();
}

}  // namespace psyncd::admin
