#include "app/link_status.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>

#include "common/clock.hpp"
#include "common/decimal.hpp"
#include "common/fs.hpp"
#include "tabfile/tab_reader.hpp"
#include "tabfile/tab_writer.hpp"

namespace psyncd::app {

namespace {

constexpr size_t kFields = 16;
constexpr size_t kNumbers = 9;         // fields 3-11
constexpr size_t kUntypedFields = 11;  // before the outcome columns
constexpr size_t kOldFields = 9;       // before the delay columns too

// Tabs and line ends become spaces so the table stays one record per line.
std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\r' || c == '\n') c = ' ';
  return s;
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
  auto v = parse_decimal(r.fields[i], UINT64_MAX / 2);
  if (!v)
    return Error{ErrorKind::config, path, r.line, "field " + std::to_string(i + 1),
                 "\"" + r.fields[i] + "\" is not a number"};
  return *v;
}

// A name written by one of the *_name functions back to its value (0..last), for the outcome
// columns; "" is the default value.
template <typename E, typename Name>
Result<E> from_name(const tabfile::Record& r, size_t i, const std::string& path, E last,
                    Name name) {
  const std::string& text = r.fields[i];
  if (text.empty()) return E{};
  for (int v = 0; v <= static_cast<int>(last); ++v)
    if (text == name(static_cast<E>(v))) return static_cast<E>(v);
  return Error{ErrorKind::config, path, r.line, "field " + std::to_string(i + 1),
               "unknown value \"" + text + "\""};
}

// Fields 12-16: the outcome kind, the step (failed only), the error's cause, the held cause.
Result<AdviceKey> outcome_fields(const tabfile::Record& r, const std::string& path) {
  using psync::FetchStep;
  using psync::HeldCause;
  using psync::OutcomeKind;
  auto kind = from_name(r, 11, path, psync::kLastOutcomeKind, psync::kind_name);
  if (!kind) return kind.error();
  auto step = from_name(r, 12, path, FetchStep::quit, psync::step_name);
  if (!step) return step.error();
  auto cause = from_name(r, 13, path, ErrorCause::peer_refused,
                         [](ErrorCause c) { return psyncd::to_string(c); });
  if (!cause) return cause.error();
  auto held = from_name(r, 14, path, HeldCause::relay_owed, psync::held_cause_name);
  if (!held) return held.error();
  return AdviceKey{*kind, *step, *cause, *held};
}

std::vector<std::string> outcome_columns(const LinkStatus& s) {
  if (!s.typed) return {"", "", "", "", ""};
  const AdviceKey& k = s.outcome;
  const bool failed = k.kind == psync::OutcomeKind::failed;
  return {psync::kind_name(k.kind), failed ? psync::step_name(k.step) : "",
          k.cause == ErrorCause::none ? "" : psyncd::to_string(k.cause),
          k.held == psync::HeldCause::none ? "" : psync::held_cause_name(k.held),
          one_line(s.reply)};
}

// The result column: what happened, without the counts (they have their own columns).
std::string result_text(const psync::LinkReport& r) {
  using psync::LinkOutcome;
  switch (r.outcome) {
    case LinkOutcome::ran:
      if (r.result.ok && r.result.held > 0) return one_line(psync::held_text(r.result));
      if (r.result.ok && r.result.relayed + r.result.relay_deferred + r.result.relay_bounced > 0)
        return fmt::format("ok: relayed {}, deferred {}, bounced {}", r.result.relayed,
                           r.result.relay_deferred, r.result.relay_bounced);
      return r.result.ok ? "ok" : one_line(psync::failure_text(r));
    case LinkOutcome::skipped_lock:
      return one_line("skipped (locked): " + r.note);
    case LinkOutcome::disabled:
      return "disabled";
    case LinkOutcome::delayed:
      return "not run: delayed after failures: " + r.note;
    case LinkOutcome::self_poll:
      return one_line("FAIL: " + r.note);
    case LinkOutcome::invalid:
      return one_line("skipped: config: " + r.note);
    case LinkOutcome::stopped:
      return one_line("not run: " + r.note);
  }
  return "?";
}

}  // namespace

void StatusBook::record(const psync::LinkReport& report, int64_t now) {
  using psync::LinkOutcome;
  std::string who = one_line(psync::link_label(report.link));
  auto [it, fresh] = links_.try_emplace(who);
  if (fresh) order_.push_back(who);
  LinkStatus& s = it->second;
  s.link = who;
  // A link held back by its delay was not tried: its last real result stays.
  if (report.outcome != LinkOutcome::delayed || fresh) {
    s.result = result_text(report);
    s.typed = true;
    s.outcome = advice_key(report);
    s.reply =
        report.outcome == LinkOutcome::ran ? one_line(report.result.server_reply()) : std::string();
    s.time = now;
    bool ran = report.outcome == LinkOutcome::ran;
    s.msgs = ran ? report.result.messages : 0;
    s.bytes = ran ? report.result.bytes : 0;
    s.total_msgs += s.msgs;
    s.total_bytes += s.bytes;
    bool ok = ran && report.result.ok;
    bool failed = (ran && !report.result.ok) || report.outcome == LinkOutcome::self_poll ||
                  report.outcome == LinkOutcome::invalid;
    if (ok) s.failures = 0;
    if (failed) ++s.failures;
  }
  s.delay = report.delay.length.count();
  s.delay_until = s.delay == 0 ? 0 : unix_seconds(report.delay.until);
  s.next_poll = interval_ == 0 ? 0 : std::max(now + static_cast<int64_t>(interval_), s.delay_until);
}

bool StatusBook::set_links_table(const std::string& status, int64_t now) {
  std::string text = one_line(status);
  if (text == table_.result) return false;
  table_ = LinkStatus{};
  table_.link = kLinksTableEntry;
  table_.result = std::move(text);
  table_.time = now;  // since when the file is in this state
  return true;
}

void StatusBook::load(const std::vector<LinkStatus>& entries) {
  for (const LinkStatus& s : entries) {
    if (s.link == kLinksTableEntry) {
      table_ = s;
      continue;
    }
    if (links_.count(s.link) == 0) order_.push_back(s.link);
    links_[s.link] = s;
  }
}

bool StatusBook::retain(const std::vector<psync::Link>& links) {
  std::set<std::string> keep;
  for (const auto& l : links) keep.insert(one_line(psync::link_label(l)));
  table_order_.clear();
  for (const auto& l : links) table_order_.push_back(one_line(psync::link_label(l)));
  auto gone = [&keep](const std::string& who) { return keep.count(who) == 0; };
  size_t before = links_.size();
  for (const auto& who : order_)
    if (gone(who)) links_.erase(who);
  order_.erase(std::remove_if(order_.begin(), order_.end(), gone), order_.end());
  return links_.size() != before;
}

std::vector<LinkStatus> StatusBook::entries() const {
  std::vector<LinkStatus> out;
  if (!table_.result.empty()) out.push_back(table_);
  // pop3links.tab order (the last cycle's), then links it did not list, in the order seen.
  std::vector<std::string> order = order_;
  auto rank = [this](const std::string& who) {
    auto it = std::find(table_order_.begin(), table_order_.end(), who);
    return static_cast<size_t>(it - table_order_.begin());
  };
  std::stable_sort(order.begin(), order.end(), [&rank](const std::string& a, const std::string& b) {
    return rank(a) < rank(b);
  });
  for (const auto& who : order) out.push_back(links_.at(who));
  return out;
}

std::string status_path(const std::string& mail_root) {
  return fs::join(fs::join(mail_root, "psyncd"), "status.tab");
}

std::string format_status_table(const std::vector<LinkStatus>& entries) {
  std::string out =
      "# psyncd link status (written by the daemon; read by psyncd --status)\n"
      "# link  result  time  msgs  bytes  total-msgs  total-bytes  failures  next-poll  "
      "delay-seconds  delay-until  outcome  step  cause  held-cause  server-reply\n";
  for (const LinkStatus& s : entries) {
    std::vector<std::string> fields{s.link,
                                    s.result,
                                    std::to_string(s.time),
                                    std::to_string(s.msgs),
                                    std::to_string(s.bytes),
                                    std::to_string(s.total_msgs),
                                    std::to_string(s.total_bytes),
                                    std::to_string(s.failures),
                                    std::to_string(s.next_poll),
                                    std::to_string(s.delay),
                                    std::to_string(s.delay_until)};
    for (auto& f : outcome_columns(s)) fields.push_back(std::move(f));
    out += tabfile::format_line(fields);
  }
  return out;
}

Result<std::vector<LinkStatus>> parse_status_table(std::string_view text, const std::string& path) {
  auto table = tabfile::parse(text, path);
  if (!table.problems.empty()) return table.problems.front();
  std::vector<LinkStatus> out;
  for (const auto& r : table.records) {
    size_t got = r.fields.size();
    if (got != kFields && got != kUntypedFields && got != kOldFields)
      return Error{
          ErrorKind::config, path, r.line, {}, fmt::format("{} fields, want {}", got, kFields)};
    uint64_t n[kNumbers] = {};
    for (size_t i = 0; i < kNumbers && i + 2 < got; ++i) {
      auto v = number_field(r, i + 2, path);
      if (!v) return v.error();
      n[i] = *v;
    }
    LinkStatus s{r.fields[0],
                 r.fields[1],
                 static_cast<int64_t>(n[0]),
                 n[1],
                 n[2],
                 n[3],
                 n[4],
                 n[5],
                 static_cast<int64_t>(n[6]),
                 static_cast<int64_t>(n[7]),
                 static_cast<int64_t>(n[8]),
                 false,
                 {},
                 {}};
    if (got == kFields && !r.fields[11].empty()) {
      auto key = outcome_fields(r, path);
      if (!key) return key.error();
      s.typed = true;
      s.outcome = *key;
      s.reply = r.fields[15];
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string status_line(const LinkStatus& s, int64_t now) {
  if (s.link == kLinksTableEntry)
    return fmt::format("{}: {} (since {})", s.link, s.result, when(s.time));
  std::string next = s.next_poll == 0 ? "on .psync-trigger only" : when(s.next_poll);
  if (s.next_poll != 0 && s.next_poll < now) next += " (overdue)";
  std::string delay = "none";
  if (s.delay != 0)
    delay = fmt::format("{} s, {} {}", s.delay, s.delay_until > now ? "until" : "ended",
                        when(s.delay_until));
  if (s.failures != 0) delay += fmt::format(" ({} failure(s) in a row)", s.failures);
  std::string line = fmt::format(
      "{}: last {} at {}; {} msgs {} bytes (total {} msgs {} bytes); next poll {}; failure "
      "delay: {}",
      s.link, s.result, when(s.time), s.msgs, s.bytes, s.total_msgs, s.total_bytes, next, delay);
  if (std::string hint = s.typed ? advice(s.outcome) : ""; !hint.empty())
    line += "; what to do: " + hint;
  return line;
}

}  // namespace psyncd::app
