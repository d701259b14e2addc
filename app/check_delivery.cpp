#include "app/check_delivery.hpp"

#include <filesystem>
#include <set>
#include <string>
#include <system_error>

#include "common/fs.hpp"
#include "spool/local_resolver.hpp"
#include "tabfile/tab_reader.hpp"

namespace psyncd::app {

namespace {

void lint(const std::string& path, bool cmd_alias, std::vector<Error>& out) {
  if (!fs::exists(path)) return;
  auto table = tabfile::read_table(path);
  if (!table) {
    out.push_back(table.error());
    return;
  }
  out.insert(out.end(), table->problems.begin(), table->problems.end());
  for (const auto& record : table->records) {
    spool::Command command = spool::classify_command(*table, record, cmd_alias);
    if (command.problem) out.push_back(*command.problem);
  }
}

// cmdaliases/<domain>/*.tab, sorted; nothing when the directory does not exist.
std::set<std::string> cmd_alias_files(const spool::MailRoot& root) {
  std::set<std::string> out;
  std::error_code ec;
  for (const auto& domain : std::filesystem::directory_iterator(root.path("cmdaliases"), ec)) {
    if (!domain.is_directory(ec)) continue;
    for (const auto& file : std::filesystem::directory_iterator(domain.path(), ec)) {
      if (file.path().extension() == ".tab") out.insert(file.path().string());
    }
  }
  return out;
}

}  // namespace

std::vector<Error> delivery_command_problems(const spool::MailRoot& root,
                                             const spool::MailUsers& users) {
  std::set<std::string> mailprocs;
  for (const spool::MailUser& u : users.users()) {
    if (u.type != spool::AccountType::user) continue;
    mailprocs.insert(fs::join(root.domain_dir(u.domain), "mailproc.tab"));
    mailprocs.insert(fs::join(root.account_dir(u.domain, u.dir), "mailproc.tab"));
  }
  std::vector<Error> out;
  for (const std::string& path : mailprocs) lint(path, false, out);
  for (const std::string& path : cmd_alias_files(root)) lint(path, true, out);
  return out;
}

}  // namespace psyncd::app
