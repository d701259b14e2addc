// Sending one message to its recipients through a gateway list, as XMail does with a list of
// several (SMAILSvr.cpp, USmlCmd_smtprelay): the gateways are tried in order (random order for
// a '#' list) and the next one is tried only while something is left to try, and XMail stops at
// a permanent (5xx) error. XMail spools one recipient per message; psyncd sends the recipients
// of a message together, so the rule is applied per recipient: accepted and permanent
// recipients are settled, temporary ones go to the next gateway, and what no gateway took
// stays owed (the message stays on the remote server, see psync/fetch_relay.hpp).
// The Sender is the seam: curl_sender.hpp in production, a fake in tests.
#pragma once

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "smtp/gateway.hpp"
#include "smtp/transaction.hpp"

namespace psyncd::smtp {

struct Envelope {
  std::string from;                     // MAIL FROM; "" = <>
  std::vector<std::string> recipients;  // RCPT TO, in order, each once
  std::string helo;                     // our name in EHLO; "" = the sender's default
};

// Told each recipient's fate as soon as the reply after the final "." is in, before the
// sender says QUIT and waits for its reply: the journal records the accepted ones then, which
// keeps the window for a duplicate after a crash as short as a client can make it.
using FinalHook = std::function<void(const std::vector<RecipientResult>&)>;

// The message file holds the plain message (CRLF line ends, not dot-stuffed); the sender
// stuffs it and adds the final ".". It calls `on_final` at most once, when that reply came.
class Sender {
 public:
  virtual ~Sender() = default;
  virtual std::vector<RecipientResult> send(const Gateway& gateway, const Envelope& envelope,
                                            const std::string& message_path,
                                            const FinalHook& on_final) = 0;
};

struct RelayReport {
  std::vector<RecipientResult> results;  // one per recipient, in the envelope's order
  std::vector<std::string> tried;        // gateway names, in the order tried
};

// Called before each attempt with the gateway and the recipients it is about to get (the
// journal's "sending" record goes here), and once with their results: as soon as the reply
// after the final "." is in, or when the attempt ends without one.
struct RelayHooks {
  std::function<void(const Gateway&, const std::vector<std::string>&)> before;
  std::function<void(const Gateway&, const std::vector<RecipientResult>&)> after;
};

// The order in which `list` is tried: as written, or shuffled by `random` for a '#' list.
std::vector<const Gateway*> attempt_order(const GatewayList& list, std::mt19937& random);

RelayReport relay(const GatewayList& list, const Envelope& envelope,
                  const std::string& message_path, Sender& sender, const RelayHooks& hooks,
                  std::mt19937& random);

}  // namespace psyncd::smtp
