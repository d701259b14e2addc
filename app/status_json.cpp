#include "app/status_json.hpp"

#include <fmt/format.h>

#include "app/advice.hpp"

namespace psyncd::app {

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

namespace {

std::string link_object(const LinkStatus& s, int64_t now) {
  const bool table = s.link == kLinksTableEntry;
  std::string outcome = s.typed ? json_string(psync::kind_name(s.outcome.kind)) : "null";
  std::string next = s.next_poll == 0 ? "null" : std::to_string(s.next_poll);
  std::string hint = s.typed ? advice(s.outcome) : "";
  return fmt::format(
      "{{\"link\": {}, \"table\": {}, \"result\": {}, \"outcome\": {}, \"time\": {}, "
      "\"msgs\": {}, \"bytes\": {}, \"total_msgs\": {}, \"total_bytes\": {}, \"failures\": {}, "
      "\"next_poll\": {}, \"overdue\": {}, \"delay\": {}, \"delay_until\": {}, \"reply\": {}, "
      "\"advice\": {}}}",
      json_string(s.link), table ? "true" : "false", json_string(s.result), outcome, s.time, s.msgs,
      s.bytes, s.total_msgs, s.total_bytes, s.failures, next,
      s.next_poll != 0 && s.next_poll < now ? "true" : "false", s.delay, s.delay_until,
      json_string(s.reply), json_string(hint));
}

}  // namespace

std::string format_status_json(const std::vector<LinkStatus>& entries, int64_t now) {
  std::string out =
      fmt::format("{{\"version\": {}, \"now\": {}, \"links\": [", kStatusJsonVersion, now);
  for (size_t i = 0; i < entries.size(); ++i)
    out += (i == 0 ? "\n  " : ",\n  ") + link_object(entries[i], now);
  return out + (entries.empty() ? "]}\n" : "\n]}\n");
}

}  // namespace psyncd::app
