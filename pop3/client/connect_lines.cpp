#include "pop3/client/connect_lines.hpp"

#include <utility>

namespace psyncd::pop3 {

namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

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
  if (starts_with_ci(line, "+OK") || starts_with_ci(line, "-ERR")) {
    in_block_ = starts_with_ci(line, "+OK");
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
