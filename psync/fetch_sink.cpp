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
  relay_copy_.reset();
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
  if (relay_copy_) relay_copy_->remove();
  relay_copy_.reset();
  head_.clear();
}

// Picks the route from the header block and opens the temp file; the buffered head goes first.
Result<void> FetchSink::open_delivery() {
  routed_ = true;
  const mail::HeaderBlock& block = reader_.block();
  route_ = route_message(route_config_, link_, block);
  if (route_.targets.empty() && route_.relay.empty()) {
    std::string why = route_.reason;
    route_ = route_error_account(route_config_, block);
    if (route_.targets.empty()) {
      fail_current(why + "; " + route_.reason + ": left on the server");
      current_.unroutable = true;
      return {};
    }
    current_.reason = why;
  }
  envelope_.clear();
  if (route_config_.handoff) {
    // The spool's writer refuses addresses that would break the envelope (CR, LF, '<', '>').
    auto env = spool::lmail_envelope(route_.sender, route_.recipients);
    if (!env) {
      fail_current("cannot hand off: " + env.error().to_string());
      return {};
    }
    envelope_ = std::move(*env);
  }
  if (!route_.relay.empty() && !open_relay_copy()) return {};
  if (!route_.targets.empty() && !open_local()) return {};
  std::string head = std::move(head_);
  head_.clear();
  write(head);
  return {};
}

bool FetchSink::open_local() {
  auto tmp_dir = temps_.temp_dir_for(route_.targets);
  if (!tmp_dir) {
    fail_current("cannot store: " + tmp_dir.error().to_string(), tmp_dir.error().cause);
    return false;
  }
  auto d = spool::Delivery::begin(fs_, *tmp_dir, spool::unique_name(clock_), envelope_);
  if (!d) {
    fail_current("cannot store: " + d.error().to_string(), d.error().cause);
    return false;
  }
  delivery_.emplace(std::move(*d));
  return true;
}

bool FetchSink::open_relay_copy() {
  if (relay_dir_.empty()) {
    fail_current("needs the SMTP relay, which this session cannot use");
    return false;
  }
  auto copy = RelayCopy::create(fs::join(relay_dir_, "relay." + spool::unique_name(clock_)));
  if (!copy) {
    fail_current("cannot store the relay copy: " + copy.error().to_string(), copy.error().cause);
    return false;
  }
  relay_copy_.emplace(std::move(*copy));
  return true;
}

void FetchSink::write(std::string_view bytes) {
  if (failed_ || bytes.empty()) return;
  if (delivery_) {
    if (auto w = delivery_->write(bytes); !w) {
      fail_current("cannot store: " + w.error().to_string(), w.error().cause);
      return;
    }
  }
  if (relay_copy_) {
    if (auto w = relay_copy_->write(bytes); !w)
      fail_current("cannot store the relay copy: " + w.error().to_string(), w.error().cause);
  }
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
  if (!failed_ && relay_copy_) {
    if (auto f = relay_copy_->finish(); !f) {
      fail_current("cannot store the relay copy: " + f.error().to_string(), f.error().cause);
    } else {
      current_.relay = route_.relay;
      current_.sender = route_.sender;
      current_.relay_copy = relay_copy_->path();
      relay_copy_.reset();
    }
  }
  if (!failed_ && delivery_) {
    // With recipients for the relay the message is not complete until they are settled.
    auto added =
        batch_.add(current_.uidl, std::move(*delivery_), route_.targets, route_.relay.empty());
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
