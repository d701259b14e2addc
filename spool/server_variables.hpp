// The server.tab variables anyone reads: XMail 1.27's (its manual's "SERVER.TAB VARIABLES" and
// SvrGetConfigVar calls) and psyncd's own (docs/admin-guide.md "server.tab variables"), and
// which of psyncd's take a number. --check uses it to find misspelled names ("Pop3Threadz":
// the setting silently does nothing) and values psyncd cannot read. A name nobody reads that
// is near a known one is an error; one that is near none is a warning (a later XMail may read
// it).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "common/log.hpp"
#include "common/result.hpp"
#include "spool/server_config.hpp"

namespace psyncd::spool {

struct ServerVariableProblems {
  std::vector<Error> errors;
  std::vector<Error> warnings;
};

bool is_known_server_variable(std::string_view name);

// LogLevel's (and --log-level's) words: error, warning, info, debug; nothing for others.
std::optional<log::Level> parse_log_level(std::string_view text);

// Unknown names (with "did you mean") and non-numeric values of psyncd's numeric variables.
ServerVariableProblems check_server_variables(const ServerConfig& config);

}  // namespace psyncd::spool
