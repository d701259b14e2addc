// SMTP gateways in XMail's server.tab syntax (USmtpGetMailExchangers, USmtpGetCfgGateways,
// USmtpOptionsAssign in SMTPUtils.cpp):
//   DefaultSMTPGateways  host[:port][,option...][;host[:port][,option...]]...
//   SmtpGwConfig         option[,option...]            applied to every gateway
//   smtprelay command    [#]host[:port][;...] <TAB> [option,...]   ('#': random order)
// XMail's options are NeedTLS=0|1|2 (no STARTTLS / STARTTLS when offered / STARTTLS or
// fail) and OutBind=<address>. psyncd adds SMTPS=1 (TLS from the first byte, port 465 by
// default), Auth=<user> with Password=<XMail-encrypted password> (AUTH after EHLO) and
// NoVerify=1 (accept any TLS certificate). A later option overrides an earlier one; an
// option XMail does not know is ignored by XMail, so psyncd only warns about it. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace psyncd::smtp {

enum class TlsMode {
  none,          // NeedTLS=0 (XMail's default)
  try_starttls,  // NeedTLS=1: STARTTLS when the gateway offers it
  starttls,      // NeedTLS=2: STARTTLS or no mail
  implicit,      // SMTPS=1 (ours): TLS from the first byte
};

struct Gateway {
  std::string host;
  std::uint16_t port = 25;
  bool port_given = false;  // else 25, or 465 with SMTPS=1
  TlsMode tls = TlsMode::none;
  std::string out_bind;          // OutBind: local address to connect from; "" = any
  std::string user;              // Auth: "" = no AUTH
  std::string password_encoded;  // Password, as XMail's XMCrypt writes it (hex)
  std::string password;          // decoded by the caller (spool/password.hpp); sent in AUTH
  bool no_verify = false;        // NoVerify=1
  // "host:port" for logs and the journal.
  std::string name() const;
};

struct GatewayList {
  std::vector<Gateway> gateways;  // in the order written
  bool shuffle = false;           // '#' prefix: XMail tries them in a random order
  std::vector<Error> warnings;    // options ignored (field: the option)
};

// Applies "name=value,name=value" to `gw`. Bad values of a known option are errors; unknown
// names are warnings.
Result<void> apply_options(Gateway& gw, std::string_view options, std::vector<Error>& warnings);

// DefaultSMTPGateways: each entry's own options first, then SmtpGwConfig (XMail's order).
Result<GatewayList> parse_default_gateways(std::string_view value, std::string_view global_options);

// An smtprelay command's list and options: SmtpGwConfig first, then the command's own.
Result<GatewayList> parse_relay_gateways(std::string_view list, std::string_view command_options,
                                         std::string_view global_options);

}  // namespace psyncd::smtp
