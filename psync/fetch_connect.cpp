#include "psync/fetch_connect.hpp"

#include "common/ascii.hpp"
#include "common/fs.hpp"
#include "common/log.hpp"
#include "psync/cycle_capa_memory.hpp"
#include "psync/link_outcome.hpp"

namespace psyncd::psync {

namespace {

pop3::TlsMode tls_of(TlsMode mode) {
  switch (mode) {
    case TlsMode::starttls:
      return pop3::TlsMode::stls;
    case TlsMode::force_starttls:
      return pop3::TlsMode::fstls;
    case TlsMode::implicit:
      return pop3::TlsMode::pop3s;
    case TlsMode::none:
      break;
  }
  return pop3::TlsMode::none;
}

}  // namespace

pop3::ConnectOptions connect_options(const Link& link, const TrustFiles& trust,
                                     std::chrono::milliseconds timeout) {
  pop3::ConnectOptions o;
  o.host = link.remote.host;
  o.port = link.remote.port;
  o.tls = tls_of(link.auth.tls);
  if (link.auth.has_out_bind) {
    o.out_bind = link.auth.out_bind.host;
    o.out_bind_port = link.auth.out_bind.port;
  }
  o.connect_timeout = timeout;
  o.verify = link.auth.verify_peer;
  o.ca_file = trust.ca_file;
  o.ca_path = trust.ca_path;
  // The pin is the trust anchor: the transport then skips the chain and host-name checks, so
  // a server with a self-signed certificate can be trusted by its certificate alone.
  o.cert_sha256 = link.auth.pin_sha256;
  return o;
}

pop3::ClientOptions client_options(const Link& link) {
  pop3::ClientOptions o;
  o.user = link.remote_user;
  o.password = link.password;
  switch (link.auth.method) {
    case AuthMethod::apop:
      o.auth = pop3::AuthMode::apop;
      break;
    case AuthMethod::force_apop:
      o.auth = pop3::AuthMode::fapop;
      break;
    case AuthMethod::sasl:
      o.auth = pop3::AuthMode::sasl;
      o.sasl_mechanism = to_string(link.auth.sasl);
      break;
    case AuthMethod::user_pass:
      o.auth = pop3::AuthMode::clear;
      break;
  }
  o.server_host = link.remote.host;
  o.server_port = link.remote.port;
  o.peer = link.remote_spec;
  o.retr_via_top = link.auth.use_top;
  return o;
}

TrustFiles trust_files(const std::string& mail_root) {
  TrustFiles trust;
  if (std::string f = fs::join(mail_root, "certs.pem"); fs::exists(f)) trust.ca_file = f;
  if (std::string d = fs::join(mail_root, "certs"); fs::is_directory(d)) trust.ca_path = d;
  return trust;
}

TransportFactory curl_factory(const std::string& mail_root, std::chrono::milliseconds timeout,
                              bool trace, const SharedTls& shared) {
  TrustFiles trust = trust_files(mail_root);
  auto capa = std::make_shared<CapaMemory>();  // this factory's cycle
  return [trust, timeout, trace, shared,
          capa](const Link& link) -> Result<std::unique_ptr<pop3::Transport>> {
    pop3::ConnectOptions options = connect_options(link, trust, timeout);
    options.sessions = shared.sessions;
    options.trust = shared.trust;
    const std::string server =
        fmt::format("{}:{}:{}", ascii_lower(options.host), options.port, options.out_bind);
    if (options.tls == pop3::TlsMode::pop3s) options.known_capa = capa->recall(server);
    if (trace) {
      // Written whatever the log level: the admin asked for it on this run.
      options.trace =
          std::make_shared<pop3::ProtocolTrace>([label = link_label(link)](std::string_view line) {
            log::write(log::Level::info, fmt::format("trace: {}: {}", label, line));
          });
    }
    auto t = pop3::CurlTransport::connect(options);
    if (!t) return t.error();
    if (options.tls == pop3::TlsMode::pop3s && !(*t)->capa_remembered())
      capa->remember(server, (*t)->capa());
    return std::unique_ptr<pop3::Transport>(std::move(*t));
  };
}

}  // namespace psyncd::psync
