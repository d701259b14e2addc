#include "psync/relay_config.hpp"

#include <fmt/format.h>

#include "spool/password.hpp"

namespace psyncd::psync {
namespace {

// Passwords as XMail's XMCrypt writes them; a bad one is an error naming the option.
Result<void> decode_passwords(smtp::GatewayList& list) {
  for (auto& gw : list.gateways) {
    if (gw.password_encoded.empty()) continue;
    auto plain = spool::decode_password(gw.password_encoded);
    if (!plain)
      return Error{ErrorKind::config,
                   {},
                   0,
                   "Password",
                   fmt::format("gateway {}: Password is not in XMail's encoding ({})", gw.name(),
                               plain.error().text)};
    gw.password = std::move(*plain);
  }
  return {};
}

Error named(const Error& e, const std::string& variable) {
  Error out = e;
  out.text = fmt::format("{}: {}", variable, e.text);
  return out;
}

}  // namespace

std::shared_ptr<const RelayConfig> load_relay_config(const spool::ServerConfig& server) {
  auto value = server.get("DefaultSMTPGateways");
  if (!value) return nullptr;
  auto config = std::make_shared<RelayConfig>();
  config->global_options = server.get("SmtpGwConfig").value_or("");
  config->helo = server.get("HeloDomain").value_or("");
  config->outside = server.get_int("PsyncRelayOutside", 0) > 0;
  config->max_mta_ops = server.get_int("MaxMTAOps", 16);
  auto list = smtp::parse_default_gateways(*value, config->global_options);
  if (list) {
    if (auto d = decode_passwords(*list); !d) {
      config->broken = named(d.error(), "DefaultSMTPGateways").to_string();
    } else {
      config->gateways = std::move(*list);
    }
  } else {
    config->broken = named(list.error(), "DefaultSMTPGateways").to_string();
  }
  return config;
}

Result<smtp::GatewayList> relay_command_gateways(const RelayConfig& config, const std::string& list,
                                                 const std::string& options) {
  auto parsed = smtp::parse_relay_gateways(list, options, config.global_options);
  if (!parsed) return parsed.error();
  if (auto d = decode_passwords(*parsed); !d) return d.error();
  return parsed;
}

RelayCheck check_relay_config(const spool::ServerConfig& server, const std::string& server_tab) {
  RelayCheck out;
  auto at = [&](Error e, const std::string& variable) {
    e.file = server_tab;
    if (e.field.empty()) e.field = variable;
    e.text = fmt::format("{}: {}", variable, e.text);
    return e;
  };
  // Numbers (MaxMTAOps, PsyncRelayOutside) are checked with every variable
  // (spool/server_variables.hpp).
  auto value = server.get("DefaultSMTPGateways");
  if (!value) {
    if (server.get_int("PsyncRelayOutside", 0) > 0)
      out.warnings.push_back(at(make_error(ErrorKind::config,
                                           "PsyncRelayOutside is set but DefaultSMTPGateways is "
                                           "not: nothing is relayed"),
                                "PsyncRelayOutside"));
    return out;
  }
  auto list = smtp::parse_default_gateways(*value, server.get("SmtpGwConfig").value_or(""));
  if (!list) {
    out.errors.push_back(at(list.error(), "DefaultSMTPGateways"));
    return out;
  }
  if (auto d = decode_passwords(*list); !d)
    out.errors.push_back(at(d.error(), "DefaultSMTPGateways"));
  for (const auto& w : list->warnings) out.warnings.push_back(at(w, "DefaultSMTPGateways"));
  return out;
}

}  // namespace psyncd::psync
