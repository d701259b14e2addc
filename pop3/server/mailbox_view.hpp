// MailboxView: what the server session needs from an opened, locked mailbox: the message
// count, each message's RFC 1939 size and UIDL, and a pull API to stream its stored bytes.
// The session numbers messages from 1; this interface is 0-based. It does not delete: the
// session reports deletions at QUIT as an event, and the owner (pop3d) removes the files.
// Destroying the view releases the mailbox lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "common/result.hpp"

namespace psyncd::pop3 {

class MailboxView {
 public:
  virtual ~MailboxView() = default;

  virtual std::size_t count() const = 0;
  // Octets of the message in CRLF form, unstuffed: exactly what RETR's body unstuffs to.
  virtual std::uint64_t size(std::size_t index) const = 0;
  // 1..70 bytes of 0x21..0x7e (RFC 1939 §7), stable across sessions.
  virtual std::string uidl(std::size_t index) const = 0;
  // Appends uidl(index) to `out`; a view that keeps its UIDLs overrides this to skip the copy
  // (a UIDL listing of a big mailbox is mostly this).
  virtual void append_uidl(std::size_t index, std::string& out) const { out += uidl(index); }
  // Copies up to buffer.size() stored bytes of message `index` from `offset`; returns the
  // number copied, 0 at the end. Stored bytes may use bare LF; the session normalises.
  virtual Result<std::size_t> read(std::size_t index, std::uint64_t offset,
                                   std::span<char> buffer) = 0;
};

}  // namespace psyncd::pop3
