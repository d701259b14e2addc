// MailboxScan: the message list of a local mailbox at login (B §6.3), standing in for the
// store's mailbox reader until spool/ has one. Maildir: new/ (+ cur/ with Pop3ScanCur);
// XMail mailbox: mailbox/. Regular files not starting with '.', sorted by name (XMail uses
// readdir order; a stable order keeps message numbers the same across sessions).
// Sizes are RFC 1939 octets: from a `,W=<n>` name suffix (our store and Dovecot write it),
// else by counting the bare LFs the server will turn into CRLF. UIDL = base name without a
// Maildir ":2," info part, or an MD5 of it when that is not a valid RFC 1939 UIDL.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::pop3d {

struct ScannedMessage {
  std::string path;
  std::string uidl;
  std::uint64_t size = 0;  // wire size (CRLF, unstuffed)
};

// `dirs` are scanned in order; a missing directory is empty.
Result<std::vector<ScannedMessage>> scan_mailbox(const std::vector<std::string>& dirs);

// The `,W=<n>` value in a Maildir file name, if any.
std::optional<std::uint64_t> wire_size_from_name(std::string_view name);
std::string uidl_from_name(std::string_view name);
// RFC 1939 size of a stored file: its bytes plus one per LF without a CR before it.
Result<std::uint64_t> wire_size_of_file(const std::string& path);

}  // namespace psyncd::pop3d
