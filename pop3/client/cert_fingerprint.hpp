// The SHA-256 fingerprint of a certificate: what `openssl x509 -noout -fingerprint -sha256`
// prints, as 64 lowercase hex digits without the colons. The transport checks a link's
// Pin=sha256: against the server's certificate with it, after the TLS handshake and before
// any credential is sent.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace psyncd::pop3 {

// `pem`: one PEM certificate ("-----BEGIN CERTIFICATE-----" ...), as libcurl's CERTINFO
// "Cert:" field gives it. nullopt when it is not one.
std::optional<std::string> certificate_sha256(std::string_view pem);

}  // namespace psyncd::pop3
