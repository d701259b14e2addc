// MailboxView: what the server session needs from an opened, locked mailbox: the message
// count, each message's RFC 1939 size and UIDL, and a pull API to stream its stored bytes.
// The session numbers messages from 1; this interface is 0-based. The session itself never
// calls remove() or release(): it reports deletions at QUIT as an event, and the owner (pop3d's
// connection) calls them. Destroying the view releases the mailbox lock too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::pop3 {

class MailboxView {
 public:
  virtual ~MailboxView() = default;

  virtual std::size_t count() const = 0;
  // Octets RETR sends for the message before the terminator: the stored file is in wire form
  // (dot-stuffed), sent as it is with line ends fixed to CRLF (pop3/dot_codec.hpp).
  virtual std::uint64_t size(std::size_t index) const = 0;
  // 1..70 bytes of 0x21..0x7e (RFC 1939 §7), stable across sessions. A view, valid while
  // the mailbox view lives: a UIDL listing of a big mailbox copies each one only into the reply.
  virtual std::string_view uidl(std::size_t index) const = 0;
  // Copies up to buffer.size() stored bytes of message `index` from `offset`; returns the
  // number copied, 0 at the end. Stored bytes are in wire form but may use bare LF; the
  // session normalises line ends.
  virtual Result<std::size_t> read(std::size_t index, std::uint64_t offset,
                                   std::span<char> buffer) = 0;
  // Deletes the given 0-based messages (QUIT in the UPDATE state).
  virtual Result<void> remove(const std::vector<std::size_t>& indexes) = 0;
  // The session is over: the mailbox lock may go before the last reply is sent.
  virtual void release() = 0;
};

}  // namespace psyncd::pop3
