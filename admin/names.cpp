#include "admin/names.hpp"

#include <string>

#include "mail/address.hpp"
#include "tabfile/tab_writer.hpp"

namespace psyncd::admin {

namespace {

Error bad(std::string_view what, std::string_view value, std::string_view why) {
  return Error{ErrorKind::usage,
               {},
               0,
               std::string(what),
               "\"" + std::string(value) + "\" " + std::string(why)};
}

bool is_label_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

}  // namespace

Result<void> check_domain_name(std::string_view domain, std::string_view what) {
  if (domain.empty()) return bad(what, domain, "is empty");
  if (domain.size() > 255) return bad(what, domain, "is longer than 255 characters");
  size_t start = 0;
  while (start <= domain.size()) {
    size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    std::string_view label = domain.substr(start, end - start);
    if (label.empty()) return bad(what, domain, "is not a host name (an empty label between dots)");
    for (char c : label)
      if (!is_label_char(c))
        return bad(what, domain,
                   "is not a host name (only letters, digits, '-' and dots; found '" +
                       std::string(1, c) + "')");
    start = end + 1;
  }
  return {};
}

Result<void> check_account_name(std::string_view name, std::string_view what) {
  if (name.empty()) return bad(what, name, "is empty");
  if (!mail::is_dot_atom(name))
    return bad(what, name,
               "is not a valid local part (letters, digits, !#$%&'*+-=?^_`{|}~ and "
               "single dots inside)");
  if (name.find('/') != std::string_view::npos)
    return bad(what, name, "names the account's directory and cannot hold '/'");
  return {};
}

Result<void> check_alias_name(std::string_view alias) {
  if (alias.empty()) return bad("alias", alias, "is empty");
  for (char c : alias) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '"' || c == '@')
      return bad("alias", alias, "holds a space, control byte, '\"' or '@'");
  }
  return {};
}

Result<void> check_field_value(std::string_view value, std::string_view what) {
  if (!tabfile::round_trips(value))
    return bad(what, value,
               "cannot be stored in a table field (TAB, CR, LF, NUL, \\\" or a final \\)");
  return {};
}

}  // namespace psyncd::admin
