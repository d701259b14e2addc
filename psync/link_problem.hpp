// A diagnostic about POP3LINKS.TAB (or any other MAIL_ROOT file): an Error plus a severity.
// Errors make the line unusable (the link is skipped); warnings keep it but tell the admin.
// Dangers keep it too, read as XMail reads it, but that reading probably costs mail or a
// password (a misspelled Leave deletes fetched mail on the server, a misspelled STLS logs in
// in clear): --check fails on them as on errors, the service runs the line as XMail would.
// XMail skips bad lines silently; psyncd names file, line, field and token instead
// (docs/xmail-differences.md "pop3links.tab").
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"

namespace psyncd::psync {

enum class Severity { warning, danger, error };

struct Problem {
  Severity severity = Severity::error;
  Error error;

  // "file:line: field N (name): text", with "warning: " in front for warnings and
  // "dangerous: " for dangers.
  std::string to_string() const;
};

Problem make_problem(Severity severity, std::string field, std::string text);

// An error: some line is skipped.
bool has_errors(const std::vector<Problem>& problems);
// An error or a danger: --check exits 1.
bool fails_check(const std::vector<Problem>& problems);

}  // namespace psyncd::psync
