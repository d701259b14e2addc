// POP3LINKS.TAB as a whole: reads the file with the tab reader, turns each record into a Link
// (psync/link.hpp), sets lines with errors apart, and reports every problem with file and line:
// reader problems, bad fields, duplicate links (same fields 1..4, case-insensitive,
// docs/xmail-formats.md §3.1; the first one is kept) and, when an account lookup is given, local
// links whose account does not exist (XMail skips those silently); links sharing one remote account
// are a warning. It does not touch lock, UIDL or .disabled files.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "psync/link.hpp"
#include "psync/link_problem.hpp"
#include "spool/domains.hpp"
#include "spool/mail_users.hpp"
#include "tabfile/tab_reader.hpp"

namespace psyncd::psync {

// True when (domain, account) is an existing local account (as mailusers.tab says).
using AccountExists = std::function<bool(const std::string& domain, const std::string& account)>;

// The lookup XMail uses for local links: mailusers.tab, case-insensitive, through alias
// domains when `domains` is given (docs/xmail-formats.md §3.2). Both must outlive the returned
// function.
AccountExists accounts_in(const spool::MailUsers& users, const spool::Domains* domains = nullptr);

// XMail reads pop3links.tab through a 2048-byte line buffer (docs/xmail-formats.md §1.1).
inline constexpr size_t kLinksLineMax = 2048;

// A line that cannot run (a bad field, an unknown SASL mechanism, a local link without its
// account): kept beside the problems so that a cycle reports it as a failed link (--once's
// exit status, --status) instead of leaving it out. Duplicates are not kept: their first line
// runs under the same name.
struct InvalidLink {
  Link link;           // line and fields 1..4 as written (what of them could be read)
  std::string reason;  // the line's first error, "file:line: field N (name): text"
};

struct LinkTable {
  std::vector<Link> links;           // usable links, in file order
  std::vector<InvalidLink> invalid;  // refused lines, in file order
  std::vector<Problem> problems;     // in line order

  // Fails only when the file cannot be read. account_exists may be empty (no check).
  static Result<LinkTable> load(const std::string& path, const AccountExists& account_exists = {});
  // Same, from a parsed table; table.path names the file in diagnostics.
  static LinkTable from_table(const tabfile::Table& table,
                              const AccountExists& account_exists = {});
};

// Logs each problem (errors with log::error, warnings with log::warn), so the engine reports
// unknown authtype tokens and skipped lines with file, line and token (docs/xmail-differences.md
// "pop3links.tab").
void log_problems(const std::vector<Problem>& problems);

}  // namespace psyncd::psync
