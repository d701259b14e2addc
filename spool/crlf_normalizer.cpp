#include "spool/crlf_normalizer.hpp"

namespace psyncd::spool {

void CrlfNormalizer::emit(std::string& out, std::string_view bytes) {
  if (bytes.empty()) return;
  out.append(bytes);
  size_ += bytes.size();
  ends_with_lf_ = bytes.back() == '\n';
}

void CrlfNormalizer::feed(std::string_view in, std::string& out) {
  size_t i = 0;
  if (held_cr_ && !in.empty()) {
    held_cr_ = false;
    emit(out, "\r\n");
    if (in[0] == '\n') i = 1;  // the held CR and this LF were one CRLF
  }
  while (i < in.size()) {
    size_t stop = in.find_first_of("\r\n", i);
    if (stop == std::string_view::npos) {
      emit(out, in.substr(i));
      return;
    }
    emit(out, in.substr(i, stop - i));
    if (in[stop] == '\n') {  // bare LF
      emit(out, "\r\n");
      i = stop + 1;
    } else if (stop + 1 == in.size()) {  // CR at the end of the chunk: wait for the next one
      held_cr_ = true;
      return;
    } else {
      emit(out, "\r\n");  // CRLF, or a bare CR made into one
      i = stop + (in[stop + 1] == '\n' ? 2 : 1);
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
