#include "spool/local_resolver.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/ascii.hpp"
#include "spool/mail_root.hpp"
#include "tabfile/fields.hpp"

namespace psyncd::spool {

namespace {

// Deeper than any sane redirect chain; XMail's own guard is MaxMTAOps (Received: lines).
constexpr size_t kMaxDepth = 16;

Error about(std::string_view address, std::string text) {
  return Error{ErrorKind::not_found, {}, 0, std::string(address), std::move(text)};
}

// A file that exists but could not be read has no records and a non-config problem.
const Error* read_failure(const tabfile::Table& table) {
  for (const Error& e : table.problems)
    if (e.kind != ErrorKind::config) return &e;
  return nullptr;
}

std::string domain_file(std::string_view domain, std::string_view name) {
  return fmt::format("domains/{}/{}", ascii_lower(domain), name);
}

std::string account_file(const MailUser& user, std::string_view name) {
  return fmt::format("domains/{}/{}/{}", ascii_lower(user.domain), user.dir, name);
}

// The gateway takes the recipient itself; an smtprelay line names its own gateways
// (USmlCmd_smtprelay: field 2 the list, field 3 the options).
RelayNeed relay_need(std::string_view address, const tabfile::Record& record, std::string why) {
  RelayNeed need{std::string(address), "", "", std::move(why)};
  if (ascii_lower(record.fields[0]) == "smtprelay") {
    if (record.fields.size() > 1) need.gateways = record.fields[1];
    if (record.fields.size() > 2) need.options = record.fields[2];
  }
  return need;
}

}  // namespace

std::vector<Error> Resolution::unrelayable() const {
  std::vector<Error> out;
  for (const Error& e : needs_mta) {
    bool relayable = std::any_of(relay.begin(), relay.end(), [&e](const RelayNeed& n) {
      return n.address == e.field && n.why == e.text;
    });
    if (!relayable) out.push_back(e);
  }
  return out;
}

std::string cmd_alias_path(std::string_view domain, std::string_view user) {
  return ascii_lower(fmt::format("cmdaliases/{}/{}.tab", domain, user));
}

struct LocalResolver::Walk {
  Resolution out;
  std::set<std::string> done;      // addresses resolved already (lowercased)
  std::vector<std::string> stack;  // the redirect chain being followed (lowercased)

  void mailbox(const MailUser& user) {
    auto& m = out.mailboxes;
    if (std::find(m.begin(), m.end(), &user) == m.end()) m.push_back(&user);
  }
  // Table problems are XMail's skipped lines: warnings. An unreadable file stops delivery.
  bool usable(std::string_view address, const tabfile::Table& table) {
    if (const Error* e = read_failure(table)) {
      out.needs_mta.push_back(about(address, "cannot read " + e->to_string()));
      return false;
    }
    out.warnings.insert(out.warnings.end(), table.problems.begin(), table.problems.end());
    return true;
  }
};

bool LocalResolver::is_custom_domain(std::string_view domain) const {
  return !custom_domain_file(domain).empty();
}

bool LocalResolver::accepts(std::string_view domain) const {
  return tables_.domains->is_local(domain) || is_custom_domain(domain);
}

// USmlGetDomainCustomFile: the domain, then each ".parent" suffix, then the default ".tab".
std::string LocalResolver::custom_domain_file(std::string_view domain) const {
  std::string lowered = ascii_lower(domain);
  std::string_view sub = lowered;
  // The domain comes from the mail: a '/' in it names no file of custdomains/.
  while (is_safe_path_component(sub)) {
    std::string path = fmt::format("custdomains/{}.tab", sub);
    if (files_.table(path) != nullptr) return path;
    size_t dot = sub.find('.', 1);
    if (dot == std::string_view::npos) break;
    sub = sub.substr(dot);
  }
  return files_.table("custdomains/.tab") != nullptr ? "custdomains/.tab" : "";
}

Resolution LocalResolver::resolve(std::string_view address) const {
  Walk walk;
  visit(walk, address);
  return std::move(walk.out);
}

void LocalResolver::visit(Walk& walk, std::string_view address) const {
  std::string key = ascii_lower(address);
  if (std::find(walk.stack.begin(), walk.stack.end(), key) != walk.stack.end()) {
    walk.out.warnings.push_back(
        about(address, "redirect loop: " + fmt::format("{}", fmt::join(walk.stack, " -> ")) +
                           " -> " + key + " (not followed again)"));
    return;
  }
  if (!walk.done.insert(key).second) return;  // reached twice: its mailboxes are in already
  if (walk.stack.size() >= kMaxDepth) {
    walk.out.needs_mta.push_back(
        about(address, fmt::format("more than {} redirections", kMaxDepth)));
    return;
  }
  size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) {
    walk.out.needs_mta.push_back(about(address, "not an address of the form user@domain"));
    return;
  }
  std::string_view local = address.substr(0, at);
  std::string_view domain = address.substr(at + 1);
  walk.stack.push_back(key);
  std::string real = tables_.domains->resolve(domain).value_or(ascii_lower(domain));
  if (run_cmd_alias(walk, address, local, real)) {
    // cmdaliases come first, for any domain (SMAILProcessFile).
  } else if (tables_.domains->is_local(domain)) {
    const MailUser* user = find_user_or_alias(tables_, domain, local);
    if (user == nullptr) {
      walk.out.needs_mta.push_back(about(
          address, fmt::format("no account or alias \"{}\" in domain \"{}\" (XMail bounces it "
                               "to the sender)",
                               local, real)));
    } else if (user->type == AccountType::mailing_list) {
      run_list(walk, address, *user);
    } else {
      run_account(walk, address, *user);
    }
  } else if (std::string file = custom_domain_file(domain); !file.empty()) {
    std::string why = fmt::format("custom domain ({}): XMail runs its commands", file);
    walk.out.needs_mta.push_back(about(address, why));
    walk.out.relay.push_back({std::string(address), "", "", why});
  } else {
    walk.out.needs_mta.push_back(about(address, "remote address"));
    walk.out.relay.push_back({std::string(address), "", "", "remote address"});
  }
  walk.stack.pop_back();
}

bool LocalResolver::run_cmd_alias(Walk& walk, std::string_view address, std::string_view local,
                                  std::string_view real_domain) const {
  // The local part comes from the mail: it must not walk out of cmdaliases/.
  if (!is_safe_path_component(local) || !is_safe_path_component(real_domain)) return false;
  const tabfile::Table* table = files_.table(cmd_alias_path(real_domain, local));
  if (table == nullptr) return false;
  if (walk.usable(address, *table)) run_commands(walk, address, *table, local, nullptr);
  return true;
}

// USmlProcessLocalUserMessage: the domain's mailproc.tab followed by the account's; neither
// means the mailbox.
void LocalResolver::run_account(Walk& walk, std::string_view address, const MailUser& user) const {
  const tabfile::Table* tables[] = {files_.table(domain_file(user.domain, "mailproc.tab")),
                                    files_.table(account_file(user, "mailproc.tab"))};
  if (tables[0] == nullptr && tables[1] == nullptr) {
    walk.mailbox(user);
    return;
  }
  for (const tabfile::Table* table : tables) {
    if (table != nullptr && walk.usable(address, *table))
      run_commands(walk, address, *table, user.name, &user);
  }
}

// SMAILMailingListExplode: every member whose permissions have an 'R'.
void LocalResolver::run_list(Walk& walk, std::string_view address, const MailUser& list) const {
  const tabfile::Table* table = files_.table(account_file(list, "mlusers.tab"));
  if (table == nullptr) {
    walk.out.needs_mta.push_back(
        about(address, fmt::format("mailing list without {} (XMail cannot expand it either)",
                                   account_file(list, "mlusers.tab"))));
    return;
  }
  if (!walk.usable(address, *table)) return;
  for (const auto& record : table->records) {
    std::string_view perms = "RW";  // DEFAULT_MLUSER_PERMS
    if (record.fields.size() > 1) perms = record.fields[1];
    if (perms.find('R') != std::string_view::npos) visit(walk, record.fields[0]);
  }
}

// The commands of a mailproc.tab (`user` set) or of a cmdaliases file (`user` null), in file
// order, each line on its own as XMail runs them.
void LocalResolver::run_commands(Walk& walk, std::string_view address, const tabfile::Table& table,
                                 std::string_view bare_name, const MailUser* user) const {
  for (const auto& record : table.records) {
    Command command = classify_command(table, record, user == nullptr);
    switch (command.kind) {
      case CommandKind::mailbox:
        walk.mailbox(*user);
        break;
      case CommandKind::redirect:
        redirect(walk, address, table, record, bare_name);
        break;
      case CommandKind::needs_mta: {
        std::string why = fmt::format("{}:{}: command \"{}\" needs XMail", table.path, record.line,
                                      record.fields[0]);
        walk.out.needs_mta.push_back(about(address, why));
        walk.out.relay.push_back(relay_need(address, record, why));
        break;
      }
      case CommandKind::ignored:
        walk.out.warnings.push_back(*command.problem);
        break;
    }
  }
}

// USmlCmd_redirect / USmlCmd_lredirect: each argument is an address, or a domain for
// "<name>@domain"; it is resolved again from the start.
void LocalResolver::redirect(Walk& walk, std::string_view address, const tabfile::Table& table,
                             const tabfile::Record& record, std::string_view bare_name) const {
  for (size_t i = 1; i < record.fields.size(); ++i) {
    const std::string& to = record.fields[i];
    if (to.find("@@") != std::string::npos) {
      walk.out.needs_mta.push_back(about(
          address, fmt::format("{}:{}: \"{}\" uses an XMail macro", table.path, record.line, to)));
    } else {
      visit(walk, to.find('@') != std::string::npos ? to : fmt::format("{}@{}", bare_name, to));
    }
  }
}

Command classify_command(const tabfile::Table& table, const tabfile::Record& record,
                         bool cmd_alias) {
  const auto& tokens = record.fields;
  std::string command = ascii_lower(tokens[0]);
  auto ignored = [&](std::string text) {
    return Command{CommandKind::ignored,
                   tabfile::record_problem(table, record, 1, "command", std::move(text))};
  };
  if (command == "mailbox" && !cmd_alias) {
    if (tokens.size() == 1) return Command{CommandKind::mailbox, std::nullopt};
    return ignored("\"mailbox\" takes no argument (line ignored, as XMail does)");
  }
  if (command == "redirect" || command == "lredirect") {
    if (tokens.size() < 2) return ignored("\"" + tokens[0] + "\" needs an address (line ignored)");
    return Command{CommandKind::redirect, std::nullopt};
  }
  // USmlCmd_smtprelay refuses a line without its gateway list (ERR_BAD_MAILPROC_CMD_SYNTAX)
  // and the message goes on to the next line; it is not sent to DefaultSMTPGateways.
  if (command == "smtprelay" && tokens.size() < 2)
    return ignored("\"smtprelay\" needs a gateway list (line ignored, as XMail does)");
  if (command == "external" || command == "filter" || command == "smtprelay" ||
      (command == "smtp" && cmd_alias))
    return Command{CommandKind::needs_mta, std::nullopt};
  return ignored("unknown command \"" + tokens[0] + "\" (line ignored, as XMail does)");
}

}  // namespace psyncd::spool
