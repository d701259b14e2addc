// MailboxView: what the server session needs from an opened, locked mailbox: the message
// count, each message's RFC 1939 size and UIDL, and a pull API to stream its stored bytes.
// The session numbers messages from 1; this interface is 0-based. It does not delete: the
// session reports deletions at QUIT as an event, and the owner (pop3d) removes the files.
// Destroying the view releases the mailbox lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/result.hpp"

namespace psyncd::pop3 {

class MailboxView {
 public:
  virtual ~MailboxView() = default;

  virtual std::size_t count() const = 0;
  // Octets of the message in CRLF form, unstuffed: exactly what RETR's body unstuffs to.
  virtual std::uint64_t size(std::size_t index) const = 0;
  // 1..70 bytes of 0x21..0x7e (RFC 1939 §7), stable across sessions. A view, valid while
  // the mailbox view lives: a UIDL listing of a big mailbox copies each one only into the reply.
  virtual std::string_view uidl(std::size_t index) const = 0;
  // Copies up to buffer.size() stored bytes of message `index` from `offset`; returns the
  // number copied, 0 at the end. Stored bytes may use bare LF; the session normalises.
  virtual Result<std::size_t> read(std::size_t index, std::uint64_t offset,
                                   std::span<char> buffer) = 0;
};

}  // namespace psyncd::pop3
