// The message list a POP3 login sees: the store's spool::list_messages (Maildir new/ + cur/
// with Pop3ScanCur, or mailbox/; sorted; exact RFC 1939 sizes) with POP3's UIDL rule on top:
// the base name without a Maildir ":2," info part (a client flagging a message in cur/ must
// not change its UIDL), or an MD5 of the name when it is not a valid RFC 1939 §7 UIDL
// (1..70 bytes of 0x21..0x7e). No locking here (mailbox_lock.hpp).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "spool/mailbox_reader.hpp"

namespace psyncd::pop3d {

std::string uidl_from_name(std::string_view name);

Result<std::vector<spool::StoredMessage>> scan_mailbox(const std::string& account_dir,
                                                       spool::MailboxFormat format, bool scan_cur);

}  // namespace psyncd::pop3d
