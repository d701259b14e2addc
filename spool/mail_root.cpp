#include "spool/mail_root.hpp"

#include "common/ascii.hpp"
#include "common/fs.hpp"

namespace psyncd::spool {

namespace {

enum class Kind { file, directory };

struct Entry {
  const char* name;
  Kind kind;
};

constexpr Entry kRequired[] = {
    {"server.tab", Kind::file},     {"domains.tab", Kind::file},
    {"mailusers.tab", Kind::file},  {"pop3links.tab", Kind::file},
    {"domains", Kind::directory},   {"spool", Kind::directory},
    {"pop3links", Kind::directory}, {"pop3linklocks", Kind::directory},
    {"pop3locks", Kind::directory}, {"msgsync", Kind::directory},
    {"logs", Kind::directory},
};

constexpr Entry kXmailOnly[] = {
    {"message.id", Kind::file},     {"aliases.tab", Kind::file},   {"aliasdomain.tab", Kind::file},
    {"extaliases.tab", Kind::file}, {"tabindex", Kind::directory},
};

void check_entry(const MailRoot& root, const Entry& entry, std::vector<Error>& out) {
  std::string p = root.path(entry.name);
  bool want_dir = entry.kind == Kind::directory;
  if (!fs::exists(p)) {
    out.push_back(Error{ErrorKind::not_found,
                        p,
                        0,
                        {},
                        want_dir ? "required directory is missing" : "required file is missing"});
  } else if (fs::is_directory(p) != want_dir) {
    out.push_back(Error{ErrorKind::config,
                        p,
                        0,
                        {},
                        want_dir ? "must be a directory" : "must be a file, not a directory"});
  }
}

}  // namespace

MailRoot::MailRoot(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string MailRoot::path(std::string_view name) const { return fs::join(root_, name); }

std::string MailRoot::relative(std::string_view full) const {
  const std::string prefix = root_.empty() || root_.back() == '/' ? root_ : root_ + "/";
  if (!prefix.empty() && full.size() > prefix.size() && full.starts_with(prefix))
    return std::string(full.substr(prefix.size()));
  return std::string(full);
}

std::string MailRoot::domain_dir(std::string_view domain) const {
  return fs::join(domains_dir(), ascii_lower(domain));
}

std::string MailRoot::domain_userdef_tab(std::string_view domain) const {
  return fs::join(domain_dir(domain), "userdef.tab");
}

std::string MailRoot::domain_tmp_dir(std::string_view domain) const {
  return fs::join(domain_dir(domain), ".tmp");
}

std::string MailRoot::account_dir(std::string_view domain, std::string_view account_dir) const {
  return fs::join(domain_dir(domain), account_dir);
}

std::string MailRoot::user_tab(std::string_view domain, std::string_view account_dir) const {
  return fs::join(this->account_dir(domain, account_dir), "user.tab");
}

std::string MailRoot::maildir(std::string_view domain, std::string_view account_dir) const {
  return fs::join(this->account_dir(domain, account_dir), "Maildir");
}

std::string MailRoot::maildir_tmp(std::string_view domain, std::string_view account_dir) const {
  return fs::join(maildir(domain, account_dir), "tmp");
}

std::string MailRoot::maildir_new(std::string_view domain, std::string_view account_dir) const {
  return fs::join(maildir(domain, account_dir), "new");
}

std::string MailRoot::maildir_cur(std::string_view domain, std::string_view account_dir) const {
  return fs::join(maildir(domain, account_dir), "cur");
}

std::string MailRoot::mailbox_dir(std::string_view domain, std::string_view account_dir) const {
  return fs::join(this->account_dir(domain, account_dir), "mailbox");
}

std::vector<Error> MailRoot::check_layout() const {
  std::vector<Error> out;
  if (!fs::is_directory(root_)) {
    out.push_back(Error{ErrorKind::not_found, root_, 0, {}, "MAIL_ROOT is not a directory"});
    return out;
  }
  for (const auto& entry : kRequired) check_entry(*this, entry, out);
  return out;
}

std::vector<Error> MailRoot::check_xmail_layout() const {
  std::vector<Error> out = check_layout();
  if (!fs::is_directory(root_)) return out;
  for (const auto& entry : kXmailOnly) check_entry(*this, entry, out);
  return out;
}

bool is_safe_path_component(std::string_view name) {
  if (name.empty() || name == "." || name == "..") return false;
  return name.find_first_of(std::string_view("/\0", 2)) == std::string_view::npos;
}

}  // namespace psyncd::spool
