#include "psync/link_problem.hpp"

#include <algorithm>
#include <utility>

namespace psyncd::psync {

std::string Problem::to_string() const {
  std::string text = error.to_string();
  if (severity == Severity::warning) return "warning: " + text;
  if (severity == Severity::danger) return "dangerous: " + text;
  return text;
}

Problem make_problem(Severity severity, std::string field, std::string text) {
  Problem p;
  p.severity = severity;
  p.error.kind = ErrorKind::config;
  p.error.field = std::move(field);
  p.error.text = std::move(text);
  return p;
}

bool has_errors(const std::vector<Problem>& problems) {
  return std::any_of(problems.begin(), problems.end(),
                     [](const Problem& p) { return p.severity == Severity::error; });
}

}  // namespace psyncd::psync

namespace psyncd::psync {

bool fails_check(const std::vector<Problem>& problems) {
  return std::any_of(problems.begin(), problems.end(),
                     [](const Problem& p) { return p.severity != Severity::warning; });
}

}  // namespace psyncd::psync
