#include "smtp/reply.hpp"

#include <fmt/format.h>

namespace psyncd::smtp {

ReplyClass classify(int code) {
  if (code >= 200 && code < 400) return ReplyClass::positive;
  if (code >= 500 && code < 600) return ReplyClass::permanent;
  return ReplyClass::temporary;  // 4xx, and anything broken: never lose mail on a guess
}

std::string Reply::line() const {
  if (text.empty()) return fmt::format("{}", code);
  return fmt::format("{} {}", code, text);
}

namespace {

// Appends `more` to a reply's text, which stays within ReplyReader::kMaxReplyText plus the
// cut mark.
void append_bounded(std::string& text, std::string_view more) {
  constexpr std::string_view kCut = " ...";
  constexpr std::size_t kMax = ReplyReader::kMaxReplyText;
  if (text.size() > kMax) return;  // already cut
  std::size_t room = kMax - text.size();
  if (more.size() <= room) {
    text += more;
    return;
  }
  text += more.substr(0, room);
  text += kCut;
}

}  // namespace

std::optional<Reply> ReplyReader::feed(std::string_view line) {
  bool digits = line.size() >= 3 && line[0] >= '2' && line[0] <= '5' && line[1] >= '0' &&
                line[1] <= '9' && line[2] >= '0' && line[2] <= '9';
  char sep = line.size() > 3 ? line[3] : ' ';
  if (!digits || (sep != ' ' && sep != '-')) {
    open_ = false;
    Reply broken;
    append_bounded(broken.text, line);
    partial_ = Reply{};
    return broken;
  }
  int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view();
  if (!open_) partial_ = Reply{code, {}};
  if (!text.empty()) {
    if (!partial_.text.empty()) append_bounded(partial_.text, " ");
    append_bounded(partial_.text, text);
  }
  if (sep == '-') {
    open_ = true;
    return std::nullopt;
  }
  open_ = false;
  partial_.code = code;  // the last line's code is the reply's
  return std::move(partial_);
}

}  // namespace psyncd::smtp
