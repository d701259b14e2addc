// The relay step of one fetched message: after its batch is committed (the local recipients
// have it), the recipients for the SMTP gateway (fetch_route.hpp, Route::relay) are sent from
// the message's relay copy, each once:
//   - a recipient the journal already has ("relay:<address>") is skipped (a retry);
//   - the journal records "sending" before the transaction and, fsynced, "delivered" for
//     each recipient the gateway accepted (2xx), before anything else happens;
//   - a 4xx, a dropped link or a timeout leaves the recipient owed: the message stays on the
//     remote server and the next cycle sends it to the recipients still owed;
//   - a 5xx is final: the copy goes to Pop3SyncErrorAccount with the gateway's reply in an
//     X-Psyncd-Relay-Error header line (no bounce to the sender: docs/xmail-differences.md);
//     without an error account the recipient stays owed, and the message on the server.
// The message is settled (its DELE may go) only when every recipient is. The gateways are
// DefaultSMTPGateways, or an smtprelay command's own list; smtp/relay.hpp tries them in order.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "psync/relay_config.hpp"
#include "smtp/relay.hpp"
#include "spool/delivery_journal.hpp"
#include "spool/local_resolver.hpp"

namespace psyncd::psync {

struct RelayTally {
  std::uint32_t relayed = 0;   // recipients a gateway accepted now
  std::uint32_t deferred = 0;  // recipients still owed (4xx, no link, or 5xx without an account)
  std::uint32_t bounced = 0;   // recipients a gateway refused (5xx), sent to the error account
};

struct MessageRelayResult {
  bool settled = false;  // every relay recipient is accepted or bounced: the DELE may go
  std::string reason;    // why not: the first owed recipient's reply
  RelayTally tally;
};

struct RelayMessage {
  std::string uidl;
  std::string sender;  // envelope sender, "" = <>
  std::vector<spool::RelayNeed> needs;
  std::string copy;  // the relay copy's path (relay_copy.hpp)
};

class MessageRelay {
 public:
  // Delivers the copy to Pop3SyncErrorAccount under the journal keys given, the note first.
  using ToErrorAccount = std::function<Result<void>(
      const RelayMessage&, const std::string& first_key, const std::string& note)>;
  MessageRelay(const RelayConfig& config, smtp::Sender& sender, spool::DeliveryJournal& journal,
               std::string link_name, ToErrorAccount to_error_account);

  MessageRelayResult run(const RelayMessage& message);

 private:
  struct Group {
    std::string gateways, options;
    std::vector<std::string> addresses;
  };
  std::vector<Group> groups_of(const RelayMessage& message) const;
  void send_group(const RelayMessage& message, const Group& group, MessageRelayResult& out);
  void bounce(const RelayMessage& message, const std::vector<smtp::RecipientResult>& refused,
              MessageRelayResult& out);
  void owe(MessageRelayResult& out, const std::string& why, std::uint32_t count);

  const RelayConfig& config_;
  smtp::Sender& sender_;
  spool::DeliveryJournal& journal_;
  std::string name_;
  ToErrorAccount to_error_account_;
  std::mt19937 random_;
};

}  // namespace psyncd::psync
