// FetchConnect: how a link's authtype options (link_authtype.hpp) become the POP3 client's
// connection and session options (pop3/client/curl_transport.hpp, session.hpp), and the
// default TransportFactory that dials with libcurl. Tests substitute their own factory.
// It does not authenticate or fetch; see fetch_engine.hpp.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/result.hpp"
#include "pop3/client/curl_transport.hpp"
#include "pop3/client/session.hpp"
#include "pop3/client/tls_session_cache.hpp"
#include "pop3/client/transport.hpp"
#include "pop3/client/trust_store.hpp"
#include "psync/link.hpp"

namespace psyncd::psync {

// Opens a connected Transport for a link (past greeting, CAPA and TLS).
using TransportFactory = std::function<Result<std::unique_ptr<pop3::Transport>>(const Link& link)>;

struct TrustFiles {
  std::string ca_file;  // MAIL_ROOT/certs.pem when it exists
  std::string ca_path;  // MAIL_ROOT/certs/ when it exists
};

// The transport's options for a link: TLS mode, OutBind, trust files, pin, -YT.
pop3::ConnectOptions connect_options(const Link& link, const TrustFiles& trust,
                                     std::chrono::milliseconds timeout);
pop3::ClientOptions client_options(const Link& link);

// MAIL_ROOT/certs.pem and MAIL_ROOT/certs/, those that exist.
TrustFiles trust_files(const std::string& mail_root);

// The libcurl factory: certs.pem / certs/ under `mail_root` are added to the trust store.
// trace: every session's lines are logged, "trace: <link label>: C: STAT"
// (pop3/client/protocol_trace.hpp redacts credentials and bodies).
// What connections share across links and cycles: TLS sessions to resume and the loaded CAs.
struct SharedTls {
  std::shared_ptr<pop3::TlsSessionCache> sessions = std::make_shared<pop3::TlsSessionCache>();
  std::shared_ptr<pop3::TrustStore> trust = std::make_shared<pop3::TrustStore>();
};

TransportFactory curl_factory(const std::string& mail_root, std::chrono::milliseconds timeout,
                              bool trace = false, const SharedTls& shared = {});

}  // namespace psyncd::psync
