// A diagnostic about POP3LINKS.TAB (or any other MAIL_ROOT file): an Error plus a severity.
// Errors make the line unusable (the link is skipped); warnings keep it but tell the admin.
// XMail skips bad lines silently; psyncd names file, line, field and token instead
// (docs/xmail-differences.md "pop3links.tab").
#pragma once

#include <string>
#include <vector>

#include "common/result.hpp"

namespace psyncd::psync {

enum class Severity { warning, error };

struct Problem {
  Severity severity = Severity::error;
  Error error;

  // "file:line: field N (name): text", with "warning: " in front for warnings.
  std::string to_string() const;
};

Problem make_problem(Severity severity, std::string field, std::string text);

bool has_errors(const std::vector<Problem>& problems);

}  // namespace psyncd::psync
