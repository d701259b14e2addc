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

}  // namespace

std::vector<StoreProblem> mail_store_problems(const spool::MailRoot& root, const spool::MailUser& u,
                                              bool mailbox_format) {
  std::vector<StoreProblem> out;
  const std::string maildir = root.maildir(u.domain, u.dir);
  const std::string mailbox = root.mailbox_dir(u.domain, u.dir);
  const bool has_maildir = fs::is_directory(maildir);
  const bool has_mailbox = fs::is_directory(mailbox);
  if (!has_maildir && !has_mailbox) {
    out.push_back({Severity::error, "has neither " + root.relative(maildir) + "/ nor " +
                                        root.relative(mailbox) + "/"});
    return out;
  }
  if (has_maildir) {
    for (const std::string& sub :
         {root.maildir_tmp(u.domain, u.dir), root.maildir_new(u.domain, u.dir),
          root.maildir_cur(u.domain, u.dir)})
      if (!fs::is_directory(sub))
        out.push_back({Severity::error, "directory " + root.relative(sub) + " is missing"});
  }
  const char* flag = mailbox_format ? "-Mm" : "-MM";
  const char* other_flag = mailbox_format ? "-MM" : "-Mm";
  size_t stray = mailbox_format ? message_files(root.maildir_new(u.domain, u.dir)) +
                                      message_files(root.maildir_cur(u.domain, u.dir))
                                : message_files(mailbox);
  if (stray > 0) {
    const std::string& other = mailbox_format ? maildir : mailbox;
    out.push_back({Severity::error, std::to_string(stray) + " message file(s) in " +
                                        root.relative(other) + "/, which " + flag +
                                        " neither serves nor fills (" + other_flag +
                                        " does): move them or run with the other flag"});
  }
  return out;
}

}  // namespace psyncd::app
