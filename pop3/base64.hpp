// Base64 (RFC 4648, standard alphabet, padded) for SASL exchanges (RFC 5034).
// Decoding is strict: no whitespace, correct padding, no bits left over.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace psyncd::pop3 {

std::string base64_encode(std::string_view bytes);
// nullopt when `text` is not strict base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace psyncd::pop3
