#include "psync/link_table.hpp"

#include <algorithm>
#include <map>

namespace psyncd::psync {

namespace {

Problem reader_problem(const Error& e) {
  Problem p;
  p.severity = Severity::error;
  p.error = e;
  return p;
}

// A local link needs its account; the other kinds deliver to addresses, not accounts.
bool account_missing(const Link& link, const AccountExists& account_exists) {
  return account_exists && link.kind == LinkKind::local &&
         !account_exists(link.target, link.local_account);
}

}  // namespace

LinkTable LinkTable::from_table(const tabfile::Table& table, const AccountExists& account_exists) {
  LinkTable out;
  for (const Error& e : table.problems) out.problems.push_back(reader_problem(e));
  std::map<std::string, int> first_line;  // link key -> line of the link kept
  for (const tabfile::Record& record : table.records) {
    ParsedLink parsed = parse_link(record);
    bool usable = parsed.ok();
    if (usable) {
      auto [it, inserted] = first_line.emplace(link_key(parsed.link), record.line);
      if (!inserted) {
        parsed.problems.push_back(make_problem(
            Severity::error, "",
            "duplicate of the link on line " + std::to_string(it->second) + " (line skipped)"));
        parsed.problems.back().error.line = record.line;
        usable = false;
      }
    }
    if (usable && account_missing(parsed.link, account_exists)) {
      parsed.problems.push_back(make_problem(
          Severity::error, "",
          "local link to " + parsed.link.local_account + "@" + parsed.link.target +
              ", which is not an account in mailusers.tab (line skipped)"));
      parsed.problems.back().error.line = record.line;
      usable = false;
    }
    for (Problem& p : parsed.problems) {
      p.error.file = table.path;
      out.problems.push_back(std::move(p));
    }
    if (usable) out.links.push_back(std::move(parsed.link));
  }
  std::stable_sort(out.problems.begin(), out.problems.end(), [](const Problem& a, const Problem& b) {
    return a.error.line < b.error.line;
  });
  return out;
}

Result<LinkTable> LinkTable::load(const std::string& path, const AccountExists& account_exists) {
  tabfile::ReadOptions options;
  options.max_line_bytes = kLinksLineMax;
  auto table = tabfile::read_table(path, options);
  if (!table) return table.error();
  return from_table(*table, account_exists);
}

}  // namespace psyncd::psync
