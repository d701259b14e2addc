// Checks of the names an admin types before they go into a table: a domain must be a host
// name (XMail's USmtpCheckDomainPart: letters, digits, '-', dot-separated labels), an account
// or alias a dot-atom (USmtpCheckAddressPart) that is also one path component (no '/'; the
// account's directory is named after it). Each failure is an Error of kind usage naming the
// argument. Alias names may hold XMail's wildcards ('*', '?', '[...]', '\').
#pragma once

#include <string_view>

#include "common/result.hpp"

namespace psyncd::admin {

Result<void> check_domain_name(std::string_view domain, std::string_view what = "domain");
Result<void> check_account_name(std::string_view name, std::string_view what = "account");
Result<void> check_alias_name(std::string_view alias);
// A value for a quoted table field: no TAB, CR, LF or NUL, no '\"', no final '\'
// (tabfile::round_trips).
Result<void> check_field_value(std::string_view value, std::string_view what);

}  // namespace psyncd::admin
