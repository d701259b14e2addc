// The stored form of a message: XMail's wire form. Every line ends CRLF (bare LF and bare CR
// become CRLF, a final CRLF is added when missing) and, as XMail's SMTP and PSYNC paths store
// what came over the wire, a line that starts with "." is kept dot-stuffed ("..x"), so XMail's
// POP3 server (UPopSessionSendMsg) and ours send the file as it is, then ".". The file size is
// then exactly what RETR sends before the terminator. Incremental: chunks may split a CR LF
// pair anywhere. No I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace psyncd::spool {

// What happens to a "." that starts a line.
enum class LeadingDot {
  keep,        // left alone (CRLF normalisation only)
  stuff,       // plain message in: every leading dot is doubled (writing the wire form)
  stuff_lone,  // wire form in: only a "." followed by CR, LF or the end is doubled, so a
               // damaged or unstuffed file can never end a RETR early (pop3's DotEncoder in
               // wire-form mode applies the same rule, so sizes match what is sent)
};

// What a CR that is not followed by LF is.
enum class BareCr {
  line_end,  // it ends the line (becomes CRLF): how messages are stored
  data,      // it is a byte of the line: how the POP3 server sends a stored file (DotEncoder)
};

class CrlfNormalizer {
 public:
  explicit CrlfNormalizer(LeadingDot dots = LeadingDot::keep, BareCr cr = BareCr::line_end)
      : dots_(dots), bare_cr_(cr) {}
  // Appends the normalised form of `in` to `out` (a trailing CR, or a "." that starts a line
  // in stuff_lone mode, is held back until the next byte shows what follows it).
  void feed(std::string_view in, std::string& out);
  // Ends the message: flushes what is held and adds the final CRLF if missing. An empty
  // message stays empty.
  void finish(std::string& out);
  // Bytes produced so far (after finish(): the exact stored size, which is the wire size).
  std::uint64_t size() const { return size_; }

 private:
  void emit(std::string& out, std::string_view bytes);
  bool at_line_start() const { return size_ == 0 || ends_with_lf_; }
  // At a line start with in[i] == '.': emits the stuffing dot when this mode wants one.
  // Returns false when the decision needs the next chunk (the dot is held).
  bool stuff_leading_dot(std::string_view in, std::size_t i, std::string& out);

  LeadingDot dots_;
  BareCr bare_cr_;
  bool held_cr_ = false;
  bool held_dot_ = false;
  bool ends_with_lf_ = false;
  std::uint64_t size_ = 0;
};

// Normalises a whole message held in memory (tests, small inputs).
std::string normalize_crlf(std::string_view message, LeadingDot dots = LeadingDot::keep,
                           BareCr cr = BareCr::line_end);

// The wire form of a plain message: normalize_crlf(message, LeadingDot::stuff).
inline std::string wire_form(std::string_view message) {
  return normalize_crlf(message, LeadingDot::stuff);
}

}  // namespace psyncd::spool
