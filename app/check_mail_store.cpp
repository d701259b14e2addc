#include "app/check_mail_store.hpp"

#include <filesystem>
#include <system_error>

#include "common/fs.hpp"

namespace psyncd::app {

namespace {

using psync::Severity;

size_t message_files(const std::string& dir) {
  size_t n = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!name.empty() && name[0] != '.' && entry.is_regular_file(ec)) ++n;
  }
  return n;
}

std::string relative(const spool::MailRoot& root, const std::string& path) {
  const std::string& prefix = root.root();
  if (path.size() > prefix.size() + 1 && path.compare(0, prefix.size(), prefix) == 0 &&
      path[prefix.size()] == '/')
    return path.substr(prefix.size() + 1);
  return path;
}

}  // namespace

std::vector<StoreProblem> mail_store_problems(const spool::MailRoot& root, const spool::MailUser& u,
                                              bool mailbox_format) {
  std::vector<StoreProblem> out;
  const std::string maildir = root.maildir(u.domain, u.dir);
  const std::string mailbox = root.mailbox_dir(u.domain, u.dir);
  const bool has_maildir = fs::is_directory(maildir);
  const bool has_mailbox = fs::is_directory(mailbox);
  if (!has_maildir && !has_mailbox) {
    out.push_back({Severity::error, "has neither " + relative(root, maildir) + "/ nor " +
                                        relative(root, mailbox) + "/"});
    return out;
  }
  if (has_maildir) {
    for (const std::string& sub :
         {root.maildir_tmp(u.domain, u.dir), root.maildir_new(u.domain, u.dir),
          root.maildir_cur(u.domain, u.dir)})
      if (!fs::is_directory(sub))
        out.push_back({Severity::error, "directory " + relative(root, sub) + " is missing"});
  }
  const char* flag = mailbox_format ? "-Mm" : "-MM";
  size_t stray = mailbox_format ? message_files(root.maildir_new(u.domain, u.dir)) +
                                      message_files(root.maildir_cur(u.domain, u.dir))
                                : message_files(mailbox);
  if (stray > 0) {
    const std::string& other = mailbox_format ? maildir : mailbox;
    out.push_back({Severity::error, std::to_string(stray) + " message file(s) in " +
                                        relative(root, other) + "/, which " + flag +
                                        " neither serves nor fills (" +
                                        (mailbox_format ? "-MM" : "-Mm") +
                                        " does): move them or run with the other flag"});
  }
  return out;
}

}  // namespace psyncd::app
