#include "pop3d/login_name.hpp"

namespace psyncd::pop3d {

std::optional<LoginName> split_login(std::string_view login, std::string_view default_domain) {
  const auto at = login.find_first_of("@%:");
  LoginName out;
  if (at == std::string_view::npos) {
    out.user = std::string(login);
    out.domain = std::string(default_domain);
  } else {
    out.user = std::string(login.substr(0, at));
    out.domain = std::string(login.substr(at + 1));
  }
  if (out.user.empty() || out.domain.empty()) return std::nullopt;
  return out;
}

}  // namespace psyncd::pop3d
