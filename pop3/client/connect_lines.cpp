#include "pop3/client/connect_lines.hpp"

#include <utility>

#include "common/ascii.hpp"

namespace psyncd::pop3 {

bool ConnectLines::add(std::string_view chunk) {
  bytes_ += chunk.size();
  if (bytes_ > kMaxBytes) return false;
  partial_.append(chunk);
  std::size_t nl;
  while ((nl = partial_.find('\n')) != std::string::npos) {
    std::string line = partial_.substr(0, nl);
    partial_.erase(0, nl + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (++lines_ > kMaxLines) return false;
    add_line(std::move(line));
  }
  return true;
}

void ConnectLines::add_line(std::string line) {
  if (!have_greeting_) {
    greeting_ = std::move(line);
    have_greeting_ = true;
    return;
  }
  // A status line starts a new reply. Only a block closed by "." is taken as the CAPA
  // list, so a single-line reply (the STLS "+OK") never replaces it.
  if (istarts_with(line, "+OK") || istarts_with(line, "-ERR")) {
    in_block_ = istarts_with(line, "+OK");
    if (++replies_ == 2) stls_accepted_ = in_block_;
    pending_.clear();
    return;
  }
  if (!in_block_) return;
  if (line == ".") {
    capa_ = std::move(pending_);
    pending_.clear();
    in_block_ = false;
    return;
  }
  pending_.push_back(std::move(line));
}

}  // namespace psyncd::pop3
