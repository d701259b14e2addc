#include "smtp/gateway.hpp"

#include <fmt/format.h>

#include <initializer_list>

#include "common/decimal.hpp"

namespace psyncd::smtp {
namespace {

Error bad(std::string_view field, std::string text) {
  return Error{ErrorKind::config, {}, 0, std::string(field), std::move(text)};
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t at = text.find(sep, start);
    out.push_back(text.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Result<bool> flag_value(std::string_view name, std::string_view value) {
  if (value == "0") return false;
  if (value == "1") return true;
  return bad(name, fmt::format("{}=\"{}\": expected 0 or 1", name, value));
}

Result<void> apply_one(Gateway& gw, std::string_view name, std::string_view value,
                       std::vector<Error>& warnings) {
  if (name == "NeedTLS") {  // XMail's; case-sensitive as its strcmp
    if (value == "0" || value == "1" || value == "2") {
      if (gw.tls != TlsMode::implicit)
        gw.tls = value == "0"   ? TlsMode::none
                 : value == "1" ? TlsMode::try_starttls
                                : TlsMode::starttls;
      return {};
    }
    return bad(name, fmt::format("NeedTLS=\"{}\": expected 0, 1 or 2", value));
  }
  if (name == "OutBind") {
    gw.out_bind = std::string(value);
    return {};
  }
  if (name == "SMTPS") {
    auto on = flag_value(name, value);
    if (!on) return on.error();
    gw.tls = *on ? TlsMode::implicit : TlsMode::none;
    return {};
  }
  if (name == "NoVerify") {
    auto on = flag_value(name, value);
    if (!on) return on.error();
    gw.no_verify = *on;
    return {};
  }
  if (name == "Auth") {
    gw.user = std::string(value);
    return {};
  }
  if (name == "Password") {
    gw.password_encoded = std::string(value);
    return {};
  }
  warnings.push_back(
      Error{ErrorKind::config,
            {},
            0,
            std::string(name),
            fmt::format("unknown gateway option \"{}\" ignored, as XMail does", name)});
  return {};
}

Result<Gateway> parse_host(std::string_view spec) {
  Gateway gw;
  spec = trim(spec);
  if (spec.empty()) return bad("", "empty gateway name");
  size_t colon = spec.rfind(':');
  // "[::1]:25" and bare IPv6 literals: a port only after a ']' or when there is one ':'.
  bool bracketed = spec.front() == '[';
  bool has_port = colon != std::string_view::npos &&
                  (bracketed ? colon > 0 && spec[colon - 1] == ']' : spec.find(':') == colon);
  std::string_view host = has_port ? spec.substr(0, colon) : spec;
  if (has_port) {
    auto port = parse_decimal(spec.substr(colon + 1), 65535);
    if (!port || *port == 0)
      return bad(spec, fmt::format("gateway \"{}\": port must be 1 to 65535", spec));
    gw.port = static_cast<std::uint16_t>(*port);
    gw.port_given = true;
  }
  if (bracketed && host.size() > 2 && host.back() == ']') host = host.substr(1, host.size() - 2);
  for (char c : host) {
    if (c <= ' ' || c == ',' || c == '/' || c == '@' || c == '[' || c == ']' || c == 0x7F)
      return bad(spec, fmt::format("gateway \"{}\": not a host name or address", spec));
  }
  if (host.empty()) return bad(spec, fmt::format("gateway \"{}\": no host", spec));
  gw.host = std::string(host);
  return gw;
}

void finish(Gateway& gw) {
  if (!gw.port_given) gw.port = gw.tls == TlsMode::implicit ? 465 : 25;
}

Result<void> check_auth(const Gateway& gw) {
  if (gw.user.empty() != gw.password_encoded.empty())
    return bad(gw.user.empty() ? "Auth" : "Password",
               fmt::format("gateway {}: Auth and Password go together", gw.name()));
  return {};
}

}  // namespace

std::string Gateway::name() const {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

Result<void> apply_options(Gateway& gw, std::string_view options, std::vector<Error>& warnings) {
  if (trim(options).empty()) return {};
  for (std::string_view item : split(options, ',')) {
    item = trim(item);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string_view name = eq == std::string_view::npos ? item : item.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
    if (auto r = apply_one(gw, name, value, warnings); !r) return r;
  }
  return {};
}

// One list entry: the host, then the option strings in the order they apply.
Result<void> add_entry(GatewayList& list, std::string_view host,
                       std::initializer_list<std::string_view> options) {
  auto gw = parse_host(host);
  if (!gw) return gw.error();
  for (std::string_view o : options) {
    if (auto r = apply_options(*gw, o, list.warnings); !r) return r;
  }
  finish(*gw);
  if (auto r = check_auth(*gw); !r) return r;
  list.gateways.push_back(std::move(*gw));
  return {};
}

Result<GatewayList> parse_default_gateways(std::string_view value,
                                           std::string_view global_options) {
  GatewayList list;
  for (std::string_view entry : split(value, ';')) {
    if (trim(entry).empty()) continue;  // "a;b;" as XMail's StrTokenize skips empty tokens
    size_t comma = entry.find(',');
    std::string_view own = comma == std::string_view::npos ? "" : entry.substr(comma + 1);
    if (auto r = add_entry(list, entry.substr(0, comma), {own, global_options}); !r)
      return r.error();
  }
  if (list.gateways.empty()) return bad("", "no gateway in the list");
  return list;
}

Result<GatewayList> parse_relay_gateways(std::string_view list_text,
                                         std::string_view command_options,
                                         std::string_view global_options) {
  GatewayList list;
  list_text = trim(list_text);
  if (!list_text.empty() && list_text.front() == '#') {
    list.shuffle = true;
    list_text.remove_prefix(1);
  }
  for (std::string_view entry : split(list_text, ';')) {
    if (trim(entry).empty()) continue;
    if (auto r = add_entry(list, entry, {global_options, command_options}); !r) return r.error();
  }
  if (list.gateways.empty()) return bad("", "no gateway in the list");
  return list;
}

}  // namespace psyncd::smtp
