// MaildirMailbox: the pop3::MailboxView the server session reads, over a scanned local mailbox
// (mailbox_scan.hpp) and holding the account's MailboxLock for its lifetime. Reads use pread
// on one cached descriptor, so streaming a RETR costs one open; a short read is taken as end
// of file (maildir message files are never rewritten), which saves the final empty pread. remove() unlinks the messages
// marked at QUIT and fsyncs their directories (spool::delete_messages). It does not parse or
// convert message bytes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pop3/server/mailbox_view.hpp"
#include "pop3d/mailbox_lock.hpp"
#include "pop3d/mailbox_scan.hpp"

namespace psyncd::pop3d {

class MaildirMailbox final : public pop3::MailboxView {
 public:
  MaildirMailbox(std::vector<spool::StoredMessage> messages, MailboxLock lock);
  ~MaildirMailbox() override;

  std::size_t count() const override { return messages_.size(); }
  std::uint64_t size(std::size_t index) const override { return messages_[index].size; }
  std::string uidl(std::size_t index) const override { return messages_[index].uidl; }
  Result<std::size_t> read(std::size_t index, std::uint64_t offset,
                           std::span<char> buffer) override;

  // Deletes the given 0-based messages. A file already gone counts as deleted. Fails on the
  // first other error (the rest are still tried).
  Result<void> remove(const std::vector<std::size_t>& indexes);

  // The session is over (QUIT answered or refused): drops the lock before the last reply is
  // sent, so a client that reconnects at once (maybe served by another event loop) never
  // finds its own finished session still holding the mailbox.
  void release_lock();

 private:
  void close_cached();

  std::vector<spool::StoredMessage> messages_;
  MailboxLock lock_;
  int fd_ = -1;
  std::size_t fd_index_ = 0;
  // Where the last short read ended: the caller's next read there returns 0 without a syscall.
  std::size_t eof_index_ = static_cast<std::size_t>(-1);
  std::uint64_t eof_offset_ = 0;
};

}  // namespace psyncd::pop3d
