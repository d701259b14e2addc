#include "app/check.hpp"

#include <algorithm>
#include <optional>

#include "app/check_delivery.hpp"
#include "app/check_mail_store.hpp"
#include "common/fs.hpp"
#include "psync/link_table.hpp"
#include "psync/oauth_token_file.hpp"
#include "psync/relay_config.hpp"
#include "spool/aliases.hpp"
#include "spool/domains.hpp"
#include "spool/mail_root.hpp"
#include "spool/mail_users.hpp"
#include "spool/recipient_router.hpp"
#include "spool/server_config.hpp"
#include "spool/server_variables.hpp"
#include "spool/temp_placement.hpp"
#include "spool/user_config.hpp"
#include "tabfile/tab_reader.hpp"

namespace psyncd::app {

namespace {

using psync::Problem;
using psync::Severity;

class Checker {
 public:
  Checker(const std::string& root, const CheckOptions& options) : root_(root), options_(options) {}

  std::vector<Problem> run() {
    if (!layout()) return std::move(out_);
    mount_boundary(root_.spool_local_dir(), "--xmail-handoff cannot stage its drop files");
    server();
    domains();
    users();
    defaults();
    other_tables();
    error_account();
    links();
    return std::move(out_);
  }

 private:
  void add(Severity severity, Error e) {
    e.file = relative(e.file);
    out_.push_back(Problem{severity, std::move(e)});
  }
  void add_all(Severity severity, const std::vector<Error>& errors) {
    for (const Error& e : errors) add(severity, e);
  }
  // A missing table was already reported by layout(); other load failures are reported here.
  template <typename T>
  std::optional<T> loaded(Result<T> r) {
    if (r) return std::move(*r);
    if (r.error().kind != ErrorKind::not_found) add(Severity::error, r.error());
    return std::nullopt;
  }

  std::string relative(const std::string& path) const { return root_.relative(path); }

  bool layout() {
    std::vector<Error> required = root_.check_layout();
    add_all(Severity::error, required);
    if (!fs::is_directory(root_.root())) return false;
    if (options_.xmail_compat) {
      std::vector<Error> all = root_.check_xmail_layout();
      // check_xmail_layout() repeats check_layout() first; the rest is XMail-only.
      for (size_t i = required.size(); i < all.size(); ++i) {
        all[i].text += " (needed only if XMail also runs on this tree)";
        add(Severity::warning, all[i]);
      }
    }
    return true;
  }

  void server() {
    server_ = loaded(spool::ServerConfig::load(root_.server_tab()));
    if (!server_) return;
    const spool::ServerConfig* config = &*server_;
    add_all(Severity::error, config->problems());
    spool::ServerVariableProblems variables = spool::check_server_variables(*config);
    add_all(Severity::error, variables.errors);
    add_all(Severity::warning, variables.warnings);
    psync::RelayCheck relay = psync::check_relay_config(*config, root_.server_tab());
    add_all(Severity::error, relay.errors);
    add_all(Severity::warning, relay.warnings);
    if (!config->get("RootDomain"))
      add(Severity::warning, Error{ErrorKind::config,
                                   root_.server_tab(),
                                   0,
                                   {},
                                   "RootDomain is not set: POP3 logins without a domain fail"});
  }

  void domains() {
    domains_ = loaded(spool::Domains::load(root_.domains_tab(), root_.aliasdomain_tab()));
    if (domains_) add_all(Severity::error, domains_->problems());
  }

  void users() {
    users_ = loaded(spool::MailUsers::load(root_.mailusers_tab()));
    if (!users_) return;
    add_all(Severity::error, users_->problems());
    for (const spool::MailUser& u : users_->users()) account(u);
    add_all(Severity::warning, delivery_command_problems(root_, *users_));
  }

  void account(const spool::MailUser& u) {
    auto problem = [&](Severity severity, const std::string& text) {
      add(severity, Error{ErrorKind::config,
                          root_.mailusers_tab(),
                          u.line,
                          {},
                          "account " + u.name + "@" + u.domain + ": " + text});
    };
    if (domains_ && !domains_->is_local(u.domain))
      problem(Severity::warning, "domain is not in domains.tab");
    std::string dir = root_.account_dir(u.domain, u.dir);
    if (!fs::is_directory(dir))
      return problem(Severity::error, "directory " + relative(dir) + " is missing");
    std::string user_tab = root_.user_tab(u.domain, u.dir);
    if (fs::exists(user_tab)) {
      if (auto config = loaded(spool::UserConfig::load(user_tab)))
        add_all(Severity::error, config->problems());
    }
    if (u.type == spool::AccountType::mailing_list) {
      if (!fs::exists(fs::join(dir, "mlusers.tab")))
        problem(Severity::warning,
                "mailing list without mlusers.tab: its mail goes to Pop3SyncErrorAccount or "
                "stays on the remote server");
      return;
    }
    for (const StoreProblem& p : mail_store_problems(root_, u, options_.mailbox_format))
      problem(p.severity, p.text);
    std::string new_dir = root_.maildir_new(u.domain, u.dir);
    mount_boundary(new_dir, "fetched mail cannot be delivered to it");
    mount_boundary(new_dir, "the POP3 server cannot move read mail",
                   root_.maildir_cur(u.domain, u.dir));
    mount_boundary(root_.mailbox_dir(u.domain, u.dir), "fetched mail cannot be delivered to it");
  }

  // Delivery publishes a message with link(2)/rename(2) from the temp directory beside its
  // target (spool/temp_placement.hpp), which cannot cross a mount point. A target on another
  // file system than MAIL_ROOT/tmp is fine; one whose own temp directory is elsewhere is not.
  void mount_boundary(const std::string& dir, const std::string& consequence,
                      std::string other = {}) {
    if (other.empty()) other = spool::TempPlacement::beside(root_, dir);
    if (!fs::is_directory(dir) || !fs::is_directory(other)) return;
    auto a = spool::TempPlacement::stat_device(dir);
    auto b = spool::TempPlacement::stat_device(other);
    if (!a || !b || *a == *b) return;
    add(Severity::warning, Error{ErrorKind::config,
                                 dir,
                                 0,
                                 {},
                                 "is on another file system than " + relative(other) +
                                     " (a mount point between them): " + consequence});
  }

  void defaults() {
    std::vector<std::string> files = {root_.userdef_tab()};
    if (domains_)
      for (const std::string& d : domains_->local_domains())
        files.push_back(root_.domain_userdef_tab(d));
    for (const std::string& f : files) {
      if (!fs::exists(f)) continue;
      if (auto config = loaded(spool::UserConfig::load(f)))
        add_all(Severity::error, config->problems());
    }
  }

  // aliases.tab routes fetched mail (spool/aliases.hpp): lines it cannot use are errors.
  // extaliases.tab is XMail's SMTP sender mapping, which psyncd does not use: syntax only.
  void other_tables() {
    aliases_ = loaded(spool::Aliases::load(root_.aliases_tab()));
    if (aliases_) add_all(Severity::error, aliases_->problems());
    if (!fs::exists(root_.extaliases_tab())) return;
    if (auto table = loaded(tabfile::read_table(root_.extaliases_tab())))
      add_all(Severity::error, table->problems);
  }

  // Pop3SyncErrorAccount must reach mailboxes psyncd fills, by the rules fetched mail follows;
  // otherwise the mail it should take stays on the remote server.
  void error_account() {
    if (!server_ || !domains_ || !users_) return;
    auto account = server_->get("Pop3SyncErrorAccount");
    if (!account || account->empty()) return;
    spool::MailRootFiles files(root_.root());
    spool::AccountTables tables{&*domains_, &*users_, aliases_ ? &*aliases_ : nullptr};
    spool::RecipientRouter router(
        root_, tables, files, "",
        options_.mailbox_format ? spool::MailboxFormat::mailbox : spool::MailboxFormat::maildir);
    spool::Route route = router.route({*account});
    if (route.complete() && !route.targets.empty()) return;
    std::string why =
        route.failures.empty() ? "it reaches no mailbox" : route.failures.front().to_string();
    int line = 0;
    for (const auto& v : server_->variables())
      if (v.name == "Pop3SyncErrorAccount") line = v.line;
    add(Severity::error,
        Error{ErrorKind::config, root_.server_tab(), line, "field 2 (Pop3SyncErrorAccount)",
              "\"" + *account + "\" is not a local account psyncd can deliver to (" + why +
                  "): mail meant for it stays on the remote server"});
  }

  void links() {
    psync::AccountExists exists;
    if (users_) exists = psync::accounts_in(*users_, domains_ ? &*domains_ : nullptr);
    auto table = loaded(psync::LinkTable::load(root_.pop3links_tab(), exists));
    if (!table) return;
    std::vector<Problem> problems = std::move(table->problems);
    for (const psync::Link& link : table->links) {
      foreign_target(link, problems);
      token_file(link, problems);
    }
    std::stable_sort(problems.begin(), problems.end(), [](const Problem& a, const Problem& b) {
      return a.error.line < b.error.line;
    });
    for (Problem& p : problems) add(p.severity, std::move(p.error));
  }

  // '@' and '?' links name the domain they deliver to; when it is not ours the mail cannot be
  // delivered locally (docs/xmail-differences.md "Who delivers the mail"). '&' suffixes are checked
  // per address at delivery time.
  void foreign_target(const psync::Link& link, std::vector<Problem>& problems) {
    bool named =
        link.kind == psync::LinkKind::external || link.kind == psync::LinkKind::masquerade_replace;
    if (!named || !domains_ || domains_->is_local(link.target)) return;
    problems.push_back(
        Problem{Severity::warning,
                Error{ErrorKind::config, root_.pop3links_tab(), link.line, psync::field_label(0),
                      "domain " + link.target +
                          " is not in domains.tab: its mail goes to "
                          "Pop3SyncErrorAccount or stays on the remote server"}});
  }

  // OAuth=NAME: the grant file must exist, be safe (mode 0600, ours) and parse; its error,
  // which names the file, is reported at the link's line.
  void token_file(const psync::Link& link, std::vector<Problem>& problems) {
    if (link.auth.oauth_file.empty()) return;
    auto grant = psync::load_token_file(psync::token_file_path(root_.root(), link.auth.oauth_file));
    if (grant) return;
    problems.push_back(
        Problem{Severity::error,
                Error{ErrorKind::config, root_.pop3links_tab(), link.line, "field 6 (authtype)",
                      "OAuth=" + link.auth.oauth_file + ": " + grant.error().to_string()}});
  }

  spool::MailRoot root_;
  CheckOptions options_;
  std::vector<Problem> out_;
  std::optional<spool::Domains> domains_;
  std::optional<spool::MailUsers> users_;
  std::optional<spool::ServerConfig> server_;
  std::optional<spool::Aliases> aliases_;
};

}  // namespace

std::vector<psync::Problem> check_mail_root(const std::string& root, const CheckOptions& options) {
  return Checker(root, options).run();
}

int run_check(const std::string& root, std::ostream& out, const CheckOptions& options) {
  std::vector<psync::Problem> problems = check_mail_root(root, options);
  for (const psync::Problem& p : problems) out << p.to_string() << '\n';
  return psync::fails_check(problems) ? 1 : 0;
}

}  // namespace psyncd::app
