// LoginName: how a POP3 login name names an account (docs/xmail-formats.md §9.5): "user@domain",
// "user%domain" or "user:domain", split at the first of '@', '%', ':' present; a bare name gets
// the server's default domain (server.tab POP3Domain, else RootDomain). It does not look the
// account up.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace psyncd::pop3d {

struct LoginName {
  std::string user;
  std::string domain;
};

// nullopt for an empty user or domain part (and for a bare name with no default domain).
std::optional<LoginName> split_login(std::string_view login, std::string_view default_domain);

}  // namespace psyncd::pop3d
