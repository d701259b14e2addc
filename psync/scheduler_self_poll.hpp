// Self-poll refusal (CommuniGate "Allow Self-Poll", seed 001): a link whose remote server is
// this host's own POP3 listener (a local interface address on one of our POP3/POP3S ports)
// and whose remote user is one of our own accounts would fetch our mail into our mail, a
// loop. Such a link is refused with an error. Name resolution uses getaddrinfo; the local
// addresses come from getifaddrs plus the loopback ranges.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "psync/link.hpp"
#include "spool/domains.hpp"
#include "spool/mail_users.hpp"

namespace psyncd::psync {

struct SelfListener {
  std::vector<std::uint16_t> ports;  // our POP3 (-Pp) and POP3S (-Bp) ports, when enabled
};

// True when `host` resolves to an address of this machine.
bool resolves_to_local_address(const std::string& host);

// True when the remote user names one of our accounts: "name@domain" / "name%domain", or a
// bare name that exists in any local domain.
bool names_own_account(const std::string& remote_user, const spool::MailUsers& users,
                       const spool::Domains& domains);

bool is_self_poll(const Link& link, const SelfListener& self, const spool::MailUsers& users,
                  const spool::Domains& domains);

}  // namespace psyncd::psync
