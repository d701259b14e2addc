#include "spool/crlf_normalizer.hpp"

namespace psyncd::spool {

void CrlfNormalizer::emit(std::string& out, std::string_view bytes) {
  if (bytes.empty()) return;
  out.append(bytes);
  size_ += bytes.size();
  ends_with_lf_ = bytes.back() == '\n';
}

namespace {

// Length of the longest prefix of `in` that is already in stored form: no bare LF, every CR
// followed by LF inside `in`, and (unless dots are kept) no line after the first starting
// with ".". One pass with two compares a byte; most mail is all prefix.
// (string_view::find_first_of("\r\n") calls memchr once per input byte in libstdc++.)
size_t clean_prefix(std::string_view in, bool stop_at_dot_line, bool cr_is_data) {
  const char* p = in.data();
  const size_t n = in.size();
  size_t j = 0;
  while (j < n) {
    const char c = p[j];
    if (c == '\n') break;
    if (c == '\r') {
      if (j + 1 == n) break;
      if (p[j + 1] != '\n') {
        if (!cr_is_data) break;
        ++j;
        continue;
      }
      j += 2;
      if (stop_at_dot_line && j < n && p[j] == '.') break;
      continue;
    }
    ++j;
  }
  return j;
}

bool is_line_end(char c) { return c == '\r' || c == '\n'; }

}  // namespace

bool CrlfNormalizer::stuff_leading_dot(std::string_view in, std::size_t i, std::string& out) {
  if (dots_ == LeadingDot::stuff) {
    emit(out, ".");
  } else if (dots_ == LeadingDot::stuff_lone) {
    if (i + 1 == in.size()) return false;
    if (is_line_end(in[i + 1])) emit(out, ".");
  }
  return true;
}

void CrlfNormalizer::feed(std::string_view in, std::string& out) {
  size_t i = 0;
  if (in.empty()) return;
  if (held_dot_) {  // a line began with "." at the end of the last chunk
    held_dot_ = false;
    if (is_line_end(in[0])) emit(out, ".");
    emit(out, ".");
  }
  if (held_cr_) {
    held_cr_ = false;
    if (in[0] == '\n' || bare_cr_ == BareCr::line_end) {
      emit(out, "\r\n");
      if (in[0] == '\n') i = 1;  // the held CR and this LF were one CRLF
    } else {
      emit(out, "\r");  // a CR inside the line
    }
  }
  const bool dots = dots_ != LeadingDot::keep;
  while (i < in.size()) {
    size_t start = i;
    if (dots && in[i] == '.' && at_line_start()) {
      if (!stuff_leading_dot(in, i, out)) {
        held_dot_ = true;
        return;
      }
      // The line's own dot; what follows it is no longer at a line start.
      emit(out, ".");
      start = ++i;
    }
    const size_t stop = start + clean_prefix(in.substr(start), dots, bare_cr_ == BareCr::data);
    emit(out, in.substr(start, stop - start));
    if (stop == in.size()) return;
    if (in[stop] == '.') {  // a line starting with "." (clean_prefix stopped after its CRLF)
      i = stop;
    } else if (in[stop] != '\n' && stop + 1 == in.size()) {  // CR ending the chunk: wait
      held_cr_ = true;
      return;
    } else {  // a bare LF or a bare CR becomes a CRLF
      emit(out, "\r\n");
      i = stop + 1;
    }
  }
}

void CrlfNormalizer::finish(std::string& out) {
  if (held_dot_) {  // the message ends with a line that is "." alone
    held_dot_ = false;
    emit(out, "..");
  }
  if (held_cr_) {
    held_cr_ = false;
    emit(out, "\r\n");
  } else if (size_ > 0 && !ends_with_lf_) {
    emit(out, "\r\n");
  }
}

std::string normalize_crlf(std::string_view message, LeadingDot dots, BareCr cr) {
  CrlfNormalizer n(dots, cr);
  std::string out;
  n.feed(message, out);
  n.finish(out);
  return out;
}

}  // namespace psyncd::spool
