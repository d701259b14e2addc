#include "psync/rewrite_header_tags.hpp"

#include <fmt/format.h>

#include "mail/header_text.hpp"

namespace psyncd::psync {

namespace {

// RFC 5322 §3.6.8 ftext: printable ASCII except ':'.
bool is_field_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= ' ' || u >= 0x7f || c == ':') return false;
  }
  return true;
}

Error tag_problem(std::string text) {
  return Error{ErrorKind::config, "server.tab", 0, "FetchHdrTags", std::move(text)};
}

std::string_view trim_wsp(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

}  // namespace

HdrTagList parse_fetch_hdr_tags(std::string_view text) {
  HdrTagList out;
  std::size_t from = 0;
  while (from <= text.size()) {
    std::size_t comma = text.find(',', from);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(from, comma - from);
    from = comma + 1;
    std::string_view tag = trim_wsp(item);
    if (tag.empty()) continue;
    if (tag.size() != item.size()) {
      out.problems.push_back(
          tag_problem(fmt::format("tag {}: spaces around it trimmed", mail::quote_excerpt(item))));
    }
    bool exclusive = tag.front() == '+';
    std::string_view name = exclusive ? tag.substr(1) : tag;
    if (!is_field_name(name)) {
      out.problems.push_back(tag_problem(
          fmt::format("tag {}: not a header name (ignored)", mail::quote_excerpt(tag))));
      continue;
    }
    out.tags.push_back(HdrTag{std::string(name), exclusive});
  }
  return out;
}

const std::vector<HdrTag>& default_fetch_hdr_tags() {
  static const std::vector<HdrTag> tags = parse_fetch_hdr_tags(kDefaultFetchHdrTags).tags;
  return tags;
}

}  // namespace psyncd::psync
