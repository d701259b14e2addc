#include "spool/crlf_normalizer.hpp"

namespace psyncd::spool {

void CrlfNormalizer::emit(std::string& out, std::string_view bytes) {
  if (bytes.empty()) return;
  out.append(bytes);
  size_ += bytes.size();
  ends_with_lf_ = bytes.back() == '\n';
}

namespace {

// Length of the longest prefix of `in` that is already in stored form: no bare LF, and every
// CR followed by LF inside `in`. One pass with two compares a byte; most mail is all prefix.
// (string_view::find_first_of("\r\n") calls memchr once per input byte in libstdc++.)
size_t clean_prefix(std::string_view in) {
  const char* p = in.data();
  const size_t n = in.size();
  size_t j = 0;
  while (j < n) {
    const char c = p[j];
    if (c == '\n') break;
    if (c == '\r') {
      if (j + 1 == n || p[j + 1] != '\n') break;
      j += 2;
      continue;
    }
    ++j;
  }
  return j;
}

}  // namespace

void CrlfNormalizer::feed(std::string_view in, std::string& out) {
  size_t i = 0;
  if (held_cr_ && !in.empty()) {
    held_cr_ = false;
    emit(out, "\r\n");
    if (in[0] == '\n') i = 1;  // the held CR and this LF were one CRLF
  }
  while (i < in.size()) {
    const size_t stop = i + clean_prefix(in.substr(i));
    emit(out, in.substr(i, stop - i));
    if (stop == in.size()) return;
    if (in[stop] == '\n') {  // bare LF
      emit(out, "\r\n");
      i = stop + 1;
    } else if (stop + 1 == in.size()) {  // CR at the end of the chunk: wait for the next one
      held_cr_ = true;
      return;
    } else {  // a bare CR becomes a CRLF
      emit(out, "\r\n");
      i = stop + 1;
    }
  }
}

void CrlfNormalizer::finish(std::string& out) {
  if (held_cr_) {
    held_cr_ = false;
    emit(out, "\r\n");
  } else if (size_ > 0 && !ends_with_lf_) {
    emit(out, "\r\n");
  }
}

std::string normalize_crlf(std::string_view message) {
  CrlfNormalizer n;
  std::string out;
  n.feed(message, out);
  n.finish(out);
  return out;
}

}  // namespace psyncd::spool
