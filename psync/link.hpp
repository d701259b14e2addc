// One POP3LINKS.TAB line as a typed Link (docs/xmail-formats.md §3): the delivery kind from
// field 1's prefix (plain = local account, '@' = external address, '?' = masquerade-replace, '&' =
// masquerade-append, with the match-domain list), the parsed remote server, the remote user,
// the decoded password and the authtype options. Also the names XMail derives from a link:
// identity key, lock file, UIDL seen-DB and .disabled file. It does not check that local
// accounts exist (LinkTable does, given mailusers.tab) and does no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "psync/link_authtype.hpp"
#include "psync/link_problem.hpp"
#include "psync/link_remote.hpp"
#include "tabfile/tab_reader.hpp"

namespace psyncd::psync {

enum class LinkKind { local, external, masquerade_replace, masquerade_append };

struct Link {
  int line = 0;
  LinkKind kind = LinkKind::local;
  // The raw fields 1..4 as written (after dequoting): the identity and the file names use them.
  std::string local_domain;   // field 1, prefix included
  std::string local_account;  // field 2
  std::string remote_spec;    // field 3, e.g. "pop.example.com:995"
  std::string remote_user;    // field 4, sent verbatim in USER / APOP
  std::string password;       // field 5, decoded
  AuthOptions auth;           // field 6

  // local: the account's domain; external: the domain after '@' (the recipient is
  // local_account + local_domain); masquerade_replace: the masquerade domain;
  // masquerade_append: the suffix appended to each matching address.
  std::string target;
  // '?' and '&' only: the domains whose addresses are rewritten (empty = every address, as
  // the manual says; XMail 1.27's code would deliver nothing, docs/xmail-formats.md §3.2). Not
  // trimmed, as XMail.
  std::vector<std::string> match_domains;
  RemoteAddress remote;
};

// Field labels as diagnostics print them: index 0 -> "field 1 (local-domain)".
std::string field_label(size_t index);

inline constexpr size_t kLinkFields = 6;

struct ParsedLink {
  Link link;
  std::vector<Problem> problems;  // file empty, line set; any error means "skip this line"
  bool ok() const { return !has_errors(problems); }
};

ParsedLink parse_link(const tabfile::Record& record);

// Case-insensitive identity of a link, fields 1..4 (docs/xmail-formats.md §3.1), for duplicate
// detection.
std::string link_key(const Link& link);

// XMail's S(): every ':', '/' and '\' becomes '_' (GwLkSanitizeFileName).
std::string sanitize_name(std::string_view name);
// "<S(remote-user)>@<S(remote-spec)>.lock", in MAIL_ROOT/pop3linklocks/
// (docs/xmail-formats.md §8.1).
std::string lock_file_name(const Link& link);
// "msgsync/<S(remote-spec)>/<S(remote-user)>.uidb", relative to MAIL_ROOT
// (docs/xmail-formats.md §8.2).
std::string uidb_relative_path(const Link& link);
// "<remote-user>@<remote-spec>.disabled" (raw, not sanitised), kept in the local account's
// directory for local links and in MAIL_ROOT/pop3links/ for the others
// (docs/xmail-formats.md §3.5).
std::string disabled_file_name(const Link& link);

}  // namespace psyncd::psync
