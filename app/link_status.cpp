#include "app/link_status.hpp"

#include <fmt/format.h>

#include <ctime>
#include <regex>

#include "common/fs.hpp"
#include "psync/link_number.hpp"
#include "tabfile/tab_reader.hpp"
#include "tabfile/tab_writer.hpp"

namespace psyncd::app {

namespace {

constexpr size_t kFields = 9;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// The result without the counts describe() appends; tabs and line ends become spaces so
// the table stays one record per line.
std::string short_result(const std::string& outcome) {
  std::string r = starts_with(outcome, "ok") ? "ok" : outcome;
  if (auto cut = r.rfind(" ("); cut != std::string::npos && r.find(" msgs ", cut) != std::string::npos)
    r.resize(cut);
  for (char& c : r)
    if (c == '\t' || c == '\r' || c == '\n') c = ' ';
  return r;
}

std::string when(int64_t t) {
  if (t == 0) return "never";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

Result<uint64_t> number_field(const tabfile::Record& r, size_t i, const std::string& path) {
  auto v = psync::parse_decimal(r.fields[i], UINT64_MAX / 2);
  if (!v)
    return Error{ErrorKind::config, path, r.line, "field " + std::to_string(i + 1),
                 "\"" + r.fields[i] + "\" is not a number"};
  return *v;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> split_summary(std::string_view line) {
  auto arrow = line.find(" -> ");
  if (arrow == std::string_view::npos) return std::nullopt;
  auto colon = line.find(": ", arrow);
  if (colon == std::string_view::npos) return std::nullopt;
  return std::make_pair(std::string(line.substr(0, colon)), std::string(line.substr(colon + 2)));
}

bool StatusBook::record(std::string_view summary, int64_t now) {
  auto parts = split_summary(summary);
  if (!parts) return false;
  auto [who, outcome] = *parts;
  auto [it, fresh] = links_.try_emplace(who);
  if (fresh) order_.push_back(who);
  LinkStatus& s = it->second;
  s.link = who;
  s.result = short_result(outcome);
  s.time = now;
  s.msgs = s.bytes = 0;
  static const std::regex counts(R"((\d+) msgs (\d+) bytes)");
  std::smatch m;
  if (std::regex_search(outcome, m, counts)) {
    s.msgs = std::stoull(m[1].str());
    s.bytes = std::stoull(m[2].str());
  }
  s.total_msgs += s.msgs;
  s.total_bytes += s.bytes;
  if (starts_with(outcome, "ok")) s.failures = 0;
  // A link held back by its backoff was not tried again: not a further failure.
  else if (starts_with(outcome, "FAIL") && outcome.find("delayed after failures") == std::string::npos)
    ++s.failures;
  s.next_poll = interval_ == 0 ? 0 : now + static_cast<int64_t>(interval_);
  return true;
}

void StatusBook::load(const std::vector<LinkStatus>& entries) {
  for (const LinkStatus& s : entries) {
    if (links_.count(s.link) == 0) order_.push_back(s.link);
    links_[s.link] = s;
  }
}

std::vector<LinkStatus> StatusBook::entries() const {
  std::vector<LinkStatus> out;
  for (const auto& who : order_) out.push_back(links_.at(who));
  return out;
}

std::string status_path(const std::string& mail_root) {
  return fs::join(fs::join(mail_root, "psyncd"), "status.tab");
}

std::string format_status_table(const std::vector<LinkStatus>& entries) {
  std::string out =
      "# psyncd link status (written by the daemon; read by psyncd --status)\n"
      "# link  result  time  msgs  bytes  total-msgs  total-bytes  failures  next-poll\n";
  for (const LinkStatus& s : entries) {
    out += tabfile::format_line(std::vector<std::string>{
        s.link, s.result, std::to_string(s.time), std::to_string(s.msgs), std::to_string(s.bytes),
        std::to_string(s.total_msgs), std::to_string(s.total_bytes), std::to_string(s.failures),
        std::to_string(s.next_poll)});
  }
  return out;
}

Result<std::vector<LinkStatus>> parse_status_table(std::string_view text, const std::string& path) {
  auto table = tabfile::parse(text, path);
  if (!table.problems.empty()) return table.problems.front();
  std::vector<LinkStatus> out;
  for (const auto& r : table.records) {
    if (r.fields.size() != kFields)
      return Error{ErrorKind::config, path, r.line, {},
                   fmt::format("{} fields, want {}", r.fields.size(), kFields)};
    uint64_t n[7];
    for (size_t i = 0; i < 7; ++i) {
      auto v = number_field(r, i + 2, path);
      if (!v) return v.error();
      n[i] = *v;
    }
    out.push_back(LinkStatus{r.fields[0], r.fields[1], static_cast<int64_t>(n[0]), n[1], n[2],
                             n[3], n[4], n[5], static_cast<int64_t>(n[6])});
  }
  return out;
}

std::string status_line(const LinkStatus& s, int64_t now) {
  std::string next = s.next_poll == 0 ? "on .psync-trigger only" : when(s.next_poll);
  if (s.next_poll != 0 && s.next_poll < now) next += " (overdue)";
  std::string delay =
      s.failures == 0 ? "none" : fmt::format("{} failure(s) in a row, retried after backoff", s.failures);
  return fmt::format("{}: last {} at {}; {} msgs {} bytes (total {} msgs {} bytes); next poll {}; "
                     "failure delay: {}",
                     s.link, s.result, when(s.time), s.msgs, s.bytes, s.total_msgs, s.total_bytes,
                     next, delay);
}

}  // namespace psyncd::app
