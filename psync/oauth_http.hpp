// One HTTPS POST to an OAuth 2.0 token endpoint through libcurl: form body out, status and
// body (at most 64 KiB) back. No redirects, no cookies, no proxy from the environment (the
// token file names the endpoint); TLS checked against the system CAs plus MAIL_ROOT/certs.pem
// and certs/ as for POP3. Nothing it sends or receives is logged.
#pragma once

#include <chrono>
#include <string>

#include "common/result.hpp"

namespace psyncd::psync {

struct HttpAnswer {
  long status = 0;
  std::string body;
};

struct HttpTrust {
  std::string ca_file;  // MAIL_ROOT/certs.pem when it exists
  std::string ca_path;  // MAIL_ROOT/certs/ when it exists
};

// Errors: kind unavailable with cause resolve or unreachable (no connection), temporary with
// cause timeout, cause tls_certificate for a refused certificate; the text names the URL.
Result<HttpAnswer> http_post_form(const std::string& url, const std::string& body,
                                  std::chrono::milliseconds timeout, const HttpTrust& trust);

}  // namespace psyncd::psync
