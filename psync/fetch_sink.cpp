#include "psync/fetch_sink.hpp"

#include <fmt/format.h>

#include <utility>

#include "common/log.hpp"
#include "psync/fetch_plan.hpp"
#include "spool/lmail_handoff.hpp"
#include "spool/unique_name.hpp"

namespace psyncd::psync {

FetchSink::FetchSink(const RouteConfig& route, const Link& link, fs::FileSystem& fs,
                     const Clock& clock, spool::TempPlacement& temps, spool::DeliveryBatch& batch,
                     const std::map<std::uint32_t, std::string>& uidls,
                     const std::map<std::uint32_t, std::uint64_t>& sizes)
    : route_config_(route),
      link_(link),
      fs_(fs),
      clock_(clock),
      temps_(temps),
      batch_(batch),
      uidls_(uidls),
      sizes_(sizes) {}

Result<void> FetchSink::begin(std::uint32_t number) {
  current_ = MessageOutcome{};
  current_.number = number;
  if (auto it = uidls_.find(number); it != uidls_.end()) current_.uidl = it->second;
  auto size = sizes_.find(number);
  announced_ = size != sizes_.end() ? size->second : 0;
  bound_ = size != sizes_.end() ? retr_bound(announced_, link_.auth.max_size) : 0;
  reader_ = mail::HeaderReader();
  head_.clear();
  routed_ = false;
  failed_ = false;
  route_ = Route{};
  delivery_.reset();
  return {};
}

void FetchSink::fail_current(std::string reason, ErrorCause cause) {
  if (failed_) return;
  failed_ = true;
  current_.status = MessageStatus::failed;
  current_.reason = std::move(reason);
  current_.cause = cause;
  if (delivery_) delivery_->abort();
  delivery_.reset();
  head_.clear();
}

// Picks the route from the header block and opens the temp file; the buffered head goes first.
Result<void> FetchSink::open_delivery() {
  routed_ = true;
  const mail::HeaderBlock& block = reader_.block();
  route_ = route_message(route_config_, link_, block);
  if (route_.targets.empty()) {
    std::string why = route_.reason;
    route_ = route_error_account(route_config_, block);
    if (route_.targets.empty()) {
      fail_current(why + "; " + route_.reason + ": left on the server");
      current_.unroutable = true;
      return {};
    }
    current_.reason = why;
  }
  std::string envelope;
  if (route_config_.handoff) {
    // The spool's writer refuses addresses that would break the envelope (CR, LF, '<', '>').
    auto env = spool::lmail_envelope(route_.sender, route_.recipients);
    if (!env) {
      fail_current("cannot hand off: " + env.error().to_string());
      return {};
    }
    envelope = std::move(*env);
  }
  auto tmp_dir = temps_.temp_dir_for(route_.targets);
  if (!tmp_dir) {
    fail_current("cannot store: " + tmp_dir.error().to_string(), tmp_dir.error().cause);
    return {};
  }
  auto d = spool::Delivery::begin(fs_, *tmp_dir, spool::unique_name(clock_), envelope);
  if (!d) {
    fail_current("cannot store: " + d.error().to_string(), d.error().cause);
    return {};
  }
  delivery_.emplace(std::move(*d));
  std::string head = std::move(head_);
  head_.clear();
  write(head);
  return {};
}

void FetchSink::write(std::string_view bytes) {
  if (failed_ || !delivery_ || bytes.empty()) return;
  if (auto w = delivery_->write(bytes); !w)
    fail_current("cannot store: " + w.error().to_string(), w.error().cause);
}

// A chunk that would take the message over its bound is not written: the temp file goes and
// the error ends the session (the rest of an endless message is never read).
Result<void> FetchSink::check_bound(std::uint64_t incoming) {
  if (bound_ == 0 || current_.bytes + incoming <= bound_) return {};
  std::string limits = fmt::format("LIST announced {}", announced_);
  if (link_.auth.max_size > 0) limits += fmt::format(", MaxSize={}", link_.auth.max_size);
  // The session puts "RETR: message N: " first, the engine the link's name.
  std::string text = fmt::format(
      "abandoned at {} bytes, over its bound of {} bytes ({}); not stored, left on the server",
      current_.bytes + incoming, bound_, limits);
  fail_current(text);
  return Error{ErrorKind::protocol, "", 0, "", std::move(text)};
}

Result<void> FetchSink::data(std::string_view chunk) {
  if (auto r = check_bound(chunk.size()); !r) return r;
  current_.bytes += chunk.size();
  if (failed_) return {};  // drain: the session must go on to the next message
  if (routed_) {
    write(chunk);
    return {};
  }
  head_.append(chunk);
  reader_.feed(chunk);
  if (reader_.done() || reader_.block().capped) return open_delivery();
  return {};
}

Result<void> FetchSink::end(std::uint32_t number) {
  if (!routed_ && !failed_) {
    reader_.finish();
    if (auto r = open_delivery(); !r) return r;
  }
  if (!failed_ && delivery_) {
    auto added = batch_.add(current_.uidl, std::move(*delivery_), route_.targets);
    delivery_.reset();
    if (!added) fail_current("cannot store: " + added.error().to_string(), added.error().cause);
  }
  if (!failed_) {
    current_.status =
        route_.to_error_account ? MessageStatus::error_account : MessageStatus::delivered;
  } else {
    log::warn("{}@{}: message {} not delivered: {}", link_.remote_user, link_.remote_spec, number,
              current_.reason);
  }
  outcomes_.push_back(std::move(current_));
  current_ = MessageOutcome{};
  return {};
}

void FetchSink::refused(std::uint32_t number, const pop3::Reply& reply) {
  MessageOutcome o;
  o.number = number;
  if (auto it = uidls_.find(number); it != uidls_.end()) o.uidl = it->second;
  o.status = MessageStatus::refused;
  o.reason = "server refused RETR";
  // The status line as the server sent it (parse_reply keeps its parts).
  o.reply = "-ERR";
  if (!reply.code.empty()) o.reply += " [" + reply.code + "]";
  if (!reply.text.empty()) o.reply += " " + reply.text;
  log::warn("{}@{}: message {}: {}: {}", link_.remote_user, link_.remote_spec, number, o.reason,
            quote_peer_text(o.reply, 200));
  outcomes_.push_back(std::move(o));
}

}  // namespace psyncd::psync
