// The stored form of a message (project decision, xmail-formats A §3): unstuffed, every line
// ending CRLF. Bare LF and bare CR become CRLF, and a final CRLF is added when the message does
// not end with one, so the file size IS the RFC 1939 size (LIST/STAT) and the POP3 server only
// has to dot-stuff on output. Incremental: chunks may split a CR LF pair anywhere.
// It does no dot-stuffing or unstuffing (the POP3 codec owns that) and no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace psyncd::spool {

class CrlfNormalizer {
 public:
  // Appends the normalised form of `in` to `out` (a trailing CR is held back until the next
  // byte shows whether an LF follows).
  void feed(std::string_view in, std::string& out);
  // Ends the message: flushes a held CR and adds the final CRLF if missing. An empty message
  // stays empty.
  void finish(std::string& out);
  // Bytes produced so far (after finish(): the exact stored and RFC 1939 size).
  std::uint64_t size() const { return size_; }

 private:
  void emit(std::string& out, std::string_view bytes);

  bool held_cr_ = false;
  bool ends_with_lf_ = false;
  std::uint64_t size_ = 0;
};

// Normalises a whole message held in memory (tests, small inputs).
std::string normalize_crlf(std::string_view message);

}  // namespace psyncd::spool
