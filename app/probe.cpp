#include "app/probe.hpp"

#include <fmt/format.h>

#include "pop3/client/client.hpp"
#include "pop3/client/curl_transport.hpp"
#include "psync/fetch_connect.hpp"
#include "psync/link_outcome.hpp"
#include "psync/link_table.hpp"
#include "spool/mail_root.hpp"

namespace psyncd::app {

namespace {

// LINK: the link's pop3links.tab line number, "remote-user@server[:port]" as written in
// fields 4 and 3, or its label as --once and --status print it.
const psync::Link* find_link(const psync::LinkTable& table, const std::string& name) {
  for (const psync::Link& l : table.links) {
    if (std::to_string(l.line) == name || l.remote_user + "@" + l.remote_spec == name ||
        psync::link_label(l) == name)
      return &l;
  }
  return nullptr;
}

void show_tls(const pop3::Transport& t, std::ostream& out) {
  if (!t.tls_active()) {
    out << "tls: none (USER/PASS and APOP go in clear; add STLS, FSTLS or POP3S)\n";
    return;
  }
  const pop3::TlsDetails* d = t.tls_details();
  if (d == nullptr) {
    out << "tls: yes\n";
    return;
  }
  out << "tls: " << (d->protocol.empty() ? "yes" : d->protocol)
      << (d->cipher.empty() ? "" : ", " + d->cipher) << '\n';
  if (!d->subject.empty()) out << "certificate subject: " << d->subject << '\n';
  if (!d->issuer.empty()) out << "certificate issuer: " << d->issuer << '\n';
  if (!d->expires.empty()) out << "certificate expires: " << d->expires << '\n';
  out << "certificate verification: " << d->verify << '\n';
}

std::string capa_text(const std::vector<std::string>& capa) {
  if (capa.empty()) return "(none: the server refused CAPA)";
  std::string out;
  for (const std::string& c : capa) out += (out.empty() ? "" : ", ") + c;
  return out;
}

}  // namespace

int run_probe(const Options& options, std::ostream& out, std::ostream& err) {
  spool::MailRoot root(options.mail_root);
  auto table = psync::LinkTable::load(root.pop3links_tab());
  if (!table) {
    err << "psyncd: " << table.error().to_string() << '\n';
    return exit_code(ErrorKind::config);
  }
  const psync::Link* link = find_link(*table, options.probe_link);
  if (link == nullptr) {
    err << "psyncd: --probe: no usable link \"" << options.probe_link
        << "\" in pop3links.tab (give its line number or remote-user@server[:port]; "
           "psyncd --check shows refused lines)\n";
    return exit_code(ErrorKind::usage);
  }
  out << "link: " << psync::link_label(*link) << " (pop3links.tab:" << link->line << ")\n";
  const auto timeout = std::chrono::seconds(options.psync_timeout);
  pop3::ConnectOptions connect =
      psync::connect_options(*link, psync::trust_files(options.mail_root), timeout);
  connect.tls_details = true;
  if (options.trace)
    connect.trace = std::make_shared<pop3::ProtocolTrace>(
        [&out](std::string_view line) { out << "trace: " << line << '\n'; });
  out << "server: " << pop3::connect_url(connect) << '\n';
  auto transport = pop3::CurlTransport::connect(connect);
  if (!transport) {
    out << "connect: FAIL: " << transport.error().to_string() << '\n';
    return 1;
  }
  out << "greeting: " << (*transport)->greeting() << '\n';
  out << "capa: " << capa_text((*transport)->capa()) << '\n';
  show_tls(**transport, out);
  pop3::Client client(**transport, psync::client_options(*link), timeout);
  auto login = client.login();
  if (!login) {
    out << "login: FAIL: " << login.error().to_string() << '\n';
    return 1;
  }
  out << "login: ok\n";
  (void)client.quit();  // nothing was marked deleted: QUIT changes nothing on the server
  return 0;
}

}  // namespace psyncd::app
