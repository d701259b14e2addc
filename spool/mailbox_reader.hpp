// Reading a local mailbox for the POP3 server (docs/xmail-formats.md §5.2, §6.3): list an account's
// messages (Maildir new/, plus cur/ with Pop3ScanCur; or XMail's flat mailbox/), each with its UIDL
// (the file base name, as XMail) and exact size; stream one message in its stored form, which
// is the wire form (dot-stuffed, CRLF: crlf_normalizer.hpp); delete messages (unlink + one fsync
// per directory). Sizes come from the `,W=<n>` name suffix our delivery writes, so a login
// costs one readdir; files without it (written by XMail or others, maybe with bare LF) are
// scanned once and sized as what is sent for them: CRLF-normalised, a lone "." line stuffed.
// No locking here (pop3d owns the mailbox lock).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/fs.hpp"
#include "common/result.hpp"
#include "spool/crlf_normalizer.hpp"

namespace psyncd::spool {

enum class MailboxFormat {
  maildir,  // -MM: <account>/Maildir/{new,cur}
  mailbox,  // -Mm: <account>/mailbox
};

struct StoredMessage {
  std::string path;        // full path of the file
  std::string uidl;        // base name (XMail: UPopGetMessageUIDL)
  std::uint64_t size = 0;  // octets RETR sends before the terminator (the wire form)
};

// Messages of the account in `account_dir` (domains/<dom>/<account-dir>), sorted by name
// (XMail lists in readdir order; a stable order keeps message numbers stable and puts our
// time-prefixed names in delivery order). Skips names starting with '.', ".keep"-style dot
// files, and anything that is not a regular file. A missing directory is an empty mailbox.
Result<std::vector<StoredMessage>> list_messages(const std::string& account_dir,
                                                 MailboxFormat format, bool scan_cur);

// The directories list_messages() reads for these arguments, in its order (new/ then cur/,
// or mailbox/): what a cache of its result must watch.
std::vector<std::string> listed_dirs(const std::string& account_dir, MailboxFormat format,
                                     bool scan_cur);

// The n of a `,W=<n>` suffix (before any Maildir ":2," info), if well formed.
std::optional<std::uint64_t> size_from_name(std::string_view name);

// Wire size of a file by reading it: the length MessageReader streams for it.
Result<std::uint64_t> scan_wire_size(const std::string& path);

// Streams a stored message in its wire form (files of others with bare LF are normalised on
// the fly and a lone "." line is stuffed, so what is sent always matches the listed size).
class MessageReader {
 public:
  static Result<MessageReader> open(const std::string& path);
  MessageReader(MessageReader&& other) noexcept;
  MessageReader& operator=(MessageReader&& other) noexcept;
  MessageReader(const MessageReader&) = delete;
  MessageReader& operator=(const MessageReader&) = delete;
  ~MessageReader();

  // Replaces `chunk` with the next piece (at most about 64 KiB); false at the end.
  Result<bool> next(std::string& chunk);

 private:
  explicit MessageReader(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
  bool done_ = false;
  CrlfNormalizer normalizer_{LeadingDot::stuff_lone, BareCr::data};  // as pop3d sends it
};

// Unlinks every path (a file already gone counts as deleted), then fsyncs each directory
// once. Keeps going after an error and returns the first one.
Result<void> delete_messages(fs::FileSystem& fs, const std::vector<std::string>& paths);

}  // namespace psyncd::spool
