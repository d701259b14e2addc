// Test helpers for the mail header reader and rewriter tests: LF→CRLF conversion of a
// message and feeding a header block to the reader in one-byte pieces.
#pragma once

#include <string>

#include "mail/header_reader.hpp"

namespace psyncd::test {

// Every "\n" becomes "\r\n" (input is assumed LF-only).
std::string to_crlf(const std::string& lf);

// The header block read by feeding `bytes` one byte at a time, then finish().
mail::HeaderBlock read_headers_bytewise(const std::string& bytes, mail::HeaderLimits limits = {});

}  // namespace psyncd::test
