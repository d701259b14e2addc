#include "pop3d/mailbox_scan.hpp"

#include "pop3/apop.hpp"

namespace psyncd::pop3d {

std::string uidl_from_name(std::string_view name) {
  const auto info = name.find(":2,");
  if (info != std::string_view::npos) name = name.substr(0, info);
  bool valid = !name.empty() && name.size() <= 70;
  for (char c : name) valid = valid && c >= 0x21 && c <= 0x7e;
  if (valid) return std::string(name);
  return pop3::apop_digest(name, "");  // MD5 hex: 32 valid characters, stable
}

Result<std::vector<spool::StoredMessage>> scan_mailbox(const std::string& account_dir,
                                                       spool::MailboxFormat format, bool scan_cur) {
  auto list = spool::list_messages(account_dir, format, scan_cur);
  if (!list) return list.error();
  for (auto& m : *list) m.uidl = uidl_from_name(m.uidl);
  return list;
}

}  // namespace psyncd::pop3d
