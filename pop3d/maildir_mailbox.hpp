// MaildirMailbox: the pop3::MailboxView the server session reads, over the store's message
// list (spool::list_messages: one sizing rule for the whole project) with POP3's UIDL rule on
// top, holding the account's MailboxLock until release() or destruction. UIDL: the base
// name without a Maildir ":2," info part (a client flagging a message in cur/ must not change
// its UIDL), or an MD5 of the name when that is not a valid RFC 1939 §7 UIDL (1..70 bytes of
// 0x21..0x7e). Reads use pread on one cached descriptor, so streaming a RETR costs one open
// (an openat of the base name on a cached descriptor of new/ or cur/: no path walk; a file
// that is no longer a regular file fails with ErrorKind::auth, common/open_regular.hpp); a
// short read is taken as end of file (maildir message files are never rewritten), which saves
// the final empty pread. remove() unlinks the messages marked at QUIT and fsyncs their
// directories (spool::delete_messages). It does not parse or convert message bytes.
// The message list is immutable and shared (MailboxListing), so the server's ListingCache
// (listing_cache.hpp) can hand the same one to every session of an unchanged mailbox.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pop3/server/mailbox_view.hpp"
#include "pop3d/mailbox_lock.hpp"
#include "spool/mailbox_reader.hpp"

namespace psyncd::pop3d {

std::string uidl_from_name(std::string_view name);

// A mailbox's messages as the server lists them: spool::list_messages with the UIDL rule
// applied to each. Immutable once made.
using MailboxListing = std::vector<spool::StoredMessage>;
std::shared_ptr<const MailboxListing> make_listing(std::vector<spool::StoredMessage> messages);

class MaildirMailbox final : public pop3::MailboxView {
 public:
  // `messages` as spool::list_messages gives them (uidl = file base name).
  MaildirMailbox(std::vector<spool::StoredMessage> messages, MailboxLock lock);
  // A listing made by make_listing() (maybe shared with other sessions).
  MaildirMailbox(std::shared_ptr<const MailboxListing> listing, MailboxLock lock);
  ~MaildirMailbox() override;

  std::size_t count() const override { return messages().size(); }
  std::uint64_t size(std::size_t index) const override { return messages()[index].size; }
  std::string_view uidl(std::size_t index) const override { return messages()[index].uidl; }
  Result<std::size_t> read(std::size_t index, std::uint64_t offset,
                           std::span<char> buffer) override;

  // Deletes the given 0-based messages. A file already gone counts as deleted. Fails on the
  // first other error (the rest are still tried).
  Result<void> remove(const std::vector<std::size_t>& indexes) override;

  // The session is over (QUIT answered or refused): drops the lock before the last reply is
  // sent, so a client that reconnects at once (maybe served by another event loop) never
  // finds its own finished session still holding the mailbox.
  void release() override;

 private:
  const MailboxListing& messages() const { return *listing_; }
  void close_cached();
  Result<int> open_message(const std::string& path);

  struct DirFd {
    std::string path;
    int fd = -1;
  };

  std::shared_ptr<const MailboxListing> listing_;
  MailboxLock lock_;
  int fd_ = -1;
  std::size_t fd_index_ = 0;
  DirFd dirs_[2];  // Maildir new/ and cur/ (or mailbox/), opened at the first RETR or TOP
  // Where the last short read ended: the caller's next read there returns 0 without a syscall.
  std::size_t eof_index_ = static_cast<std::size_t>(-1);
  std::uint64_t eof_offset_ = 0;
};

}  // namespace psyncd::pop3d
