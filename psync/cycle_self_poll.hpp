// Self-poll refusal (CommuniGate's "Allow Self-Poll"): a link whose remote server is this
// host's own POP3 listener (a local interface address on a port our POP3/POP3S listener is
// bound to in this process) and whose remote user is one of our own accounts would fetch our
// mail into our mail, a loop. Such a link is refused with an error. A port counts as ours only
// while our listener holds it: with --once, or another server on the port, nothing is refused.
// Name resolution uses getaddrinfo; the local addresses come from getifaddrs plus loopback.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "psync/link.hpp"
#include "spool/domains.hpp"
#include "spool/mail_users.hpp"

namespace psyncd::psync {

// The ports our own POP3 server is bound to in this process, as it reports them once its
// listeners are up (pop3d's on_ready); thread-safe: the server's thread writes, PSYNC reads.
class SelfListener {
 public:
  // The listener is up on these ports.
  void bound(const std::vector<std::uint16_t>& ports);
  // The listener is gone (stopped, or never came up): no port is ours.
  void closed();
  bool is_ours(std::uint16_t port) const;
  // Waits until bound() or closed() was called, or *stop is set, so that a first PSYNC cycle
  // does not run before the server knows its ports.
  void wait_settled(const std::atomic<bool>* stop) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable settled_cv_;
  std::vector<std::uint16_t> ports_;
  bool settled_ = false;
};

// True when `host` resolves to an address of this machine.
bool resolves_to_local_address(const std::string& host);

// True when the remote user names one of our accounts: "name@domain" / "name%domain", or a
// bare name that exists in any local domain.
bool names_own_account(const std::string& remote_user, const spool::MailUsers& users,
                       const spool::Domains& domains);

// `self` null: no listener in this process (--once), so never a self-poll.
bool is_self_poll(const Link& link, const SelfListener* self, const spool::MailUsers& users,
                  const spool::Domains& domains);

}  // namespace psyncd::psync
