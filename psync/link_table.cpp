#include "psync/link_table.hpp"

#include <algorithm>
#include <map>

#include "common/log.hpp"

namespace psyncd::psync {

namespace {

class Builder {
 public:
  Builder(const tabfile::Table& table, const AccountExists& account_exists)
      : table_(table), account_exists_(account_exists) {}

  LinkTable run() {
    for (const Error& e : table_.problems) out_.problems.push_back(Problem{Severity::error, e});
    for (const tabfile::Record& record : table_.records) add(record);
    std::stable_sort(
        out_.problems.begin(), out_.problems.end(),
        [](const Problem& a, const Problem& b) { return a.error.line < b.error.line; });
    return std::move(out_);
  }

 private:
  void add(const tabfile::Record& record) {
    ParsedLink parsed = parse_link(record);
    const bool repeated = parsed.ok() && duplicate(parsed);
    bool usable = parsed.ok() && !repeated && !account_missing(parsed);
    if (usable) shared_remote(parsed);
    std::string reason;
    for (Problem& p : parsed.problems) {
      p.error.file = table_.path;
      p.error.line = record.line;
      if (reason.empty() && p.severity == Severity::error) reason = p.error.to_string();
      out_.problems.push_back(std::move(p));
    }
    if (usable) {
      out_.links.push_back(std::move(parsed.link));
    } else if (!repeated) {
      Link& l = parsed.link;
      if (l.remote_spec.empty()) {  // too few fields: name it by those it has
        const auto& f = record.fields;
        auto at = [&f](size_t i) { return i < f.size() ? f[i] : std::string(); };
        l.local_domain = at(0);
        l.local_account = at(1);
        l.remote_spec = at(2);
        l.remote_user = at(3);
      }
      out_.invalid.push_back(InvalidLink{std::move(l), std::move(reason)});
    }
  }

  // Same fields 1..4 (case-insensitive) as an earlier link: XMail's add/delete key (GwLkAddLink).
  bool duplicate(ParsedLink& parsed) {
    auto [it, inserted] = by_key_.emplace(link_key(parsed.link), parsed.link.line);
    if (inserted) return false;
    parsed.problems.push_back(make_problem(
        Severity::error, "",
        "duplicate of the link on line " + std::to_string(it->second) + " (line skipped)"));
    return true;
  }

  // A local link needs its account; the other kinds deliver to addresses, not accounts.
  bool account_missing(ParsedLink& parsed) {
    const Link& l = parsed.link;
    if (!account_exists_ || l.kind != LinkKind::local || account_exists_(l.target, l.local_account))
      return false;
    parsed.problems.push_back(
        make_problem(Severity::error, "",
                     "local link to " + l.local_account + "@" + l.target +
                         ", which is not an account in mailusers.tab (line skipped)"));
    return true;
  }

  // Two links on one remote account share its lock and UIDL seen-DB (docs/xmail-formats.md §3.5),
  // so each cycle only one of them gets the mail.
  void shared_remote(ParsedLink& parsed) {
    auto [it, inserted] = by_lock_.emplace(lock_file_name(parsed.link), parsed.link.line);
    if (inserted) return;
    parsed.problems.push_back(make_problem(
        Severity::warning, "",
        "fetches the same remote account as line " + std::to_string(it->second) +
            " (one lock and one UIDL seen-DB for both; each message goes to one of them)"));
  }

  const tabfile::Table& table_;
  const AccountExists& account_exists_;
  LinkTable out_;
  std::map<std::string, int> by_key_;   // link key -> line of the link kept
  std::map<std::string, int> by_lock_;  // lock file name -> line of the first link using it
};

}  // namespace

LinkTable LinkTable::from_table(const tabfile::Table& table, const AccountExists& account_exists) {
  return Builder(table, account_exists).run();
}

Result<LinkTable> LinkTable::load(const std::string& path, const AccountExists& account_exists) {
  tabfile::ReadOptions options;
  options.max_line_bytes = kLinksLineMax;
  auto table = tabfile::read_table(path, options);
  if (!table) return table.error();
  return from_table(*table, account_exists);
}

AccountExists accounts_in(const spool::MailUsers& users, const spool::Domains* domains) {
  return [&users, domains](const std::string& domain, const std::string& account) {
    return (domains ? users.find(domain, account, *domains) : users.find(domain, account)) !=
           nullptr;
  };
}

void log_problems(const std::vector<Problem>& problems) {
  for (const Problem& p : problems) {
    if (p.severity == Severity::error)
      log::error("{}", p.error.to_string());
    else if (p.severity == Severity::danger)
      log::warn("dangerous: {}", p.error.to_string());
    else
      log::warn("{}", p.error.to_string());
  }
}

}  // namespace psyncd::psync
