// The SMTP relay's settings, from server.tab (docs/admin-guide.md "Relaying through an SMTP
// gateway"): XMail's DefaultSMTPGateways (the relay is on when it is set), SmtpGwConfig,
// MaxMTAOps and HeloDomain, and psyncd's PsyncRelayOutside (relay recipients outside the local
// and custom domains; off by default, so no open relay appears by accident). A bad value does
// not turn the relay off: the relay stays on and `broken` says why, so the messages that need
// it stay on the remote server instead of going anywhere else. Gateway passwords are decoded
// here (XMail's encoding, spool/password.hpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "smtp/gateway.hpp"
#include "spool/server_config.hpp"

namespace psyncd::psync {

struct RelayConfig {
  smtp::GatewayList gateways;  // DefaultSMTPGateways
  std::string global_options;  // SmtpGwConfig
  bool outside = false;        // PsyncRelayOutside=1
  long long max_mta_ops = 16;  // MaxMTAOps (XMail's MAX_MTA_OPS)
  std::string helo;            // HeloDomain; "" = libcurl's default
  std::string broken;          // why the settings cannot be used; "" = they can
};

// Null when DefaultSMTPGateways is not set (no relay: what needs an MTA goes to
// Pop3SyncErrorAccount or stays on the server, as before).
std::shared_ptr<const RelayConfig> load_relay_config(const spool::ServerConfig& server);

// An smtprelay command's gateways with SmtpGwConfig, passwords decoded.
Result<smtp::GatewayList> relay_command_gateways(const RelayConfig& config, const std::string& list,
                                                 const std::string& options);

// For --check: the problems of the gateway variables, naming server.tab and the variable.
struct RelayCheck {
  std::vector<Error> errors;    // the relay cannot run as written
  std::vector<Error> warnings;  // options ignored, a switch without a gateway
};
RelayCheck check_relay_config(const spool::ServerConfig& server, const std::string& server_tab);

}  // namespace psyncd::psync
