#include "psync/fetch_engine.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "common/log.hpp"
#include "common/open_regular.hpp"
#include "pop3/client/client.hpp"
#include "psync/fetch_keep_days.hpp"
#include "psync/fetch_plan.hpp"
#include "psync/fetch_relay.hpp"
#include "psync/fetch_sink.hpp"
#include "psync/link_lock.hpp"
#include "spool/delivery_batch.hpp"
#include "spool/delivery_journal.hpp"
#include "spool/uidb.hpp"
#include "spool/unique_name.hpp"

namespace psyncd::psync {

namespace {

// Passes a batch's messages on to the FetchSink and counts the ones stored whole for the
// progress hook (no I/O of its own).
class CountingSink final : public pop3::MessageSink {
 public:
  CountingSink(FetchSink& inner, std::function<void(std::uint64_t)> stored)
      : inner_(inner), stored_(std::move(stored)) {}
  Result<void> begin(std::uint32_t number) override { return inner_.begin(number); }
  Result<void> data(std::string_view chunk) override { return inner_.data(chunk); }
  Result<void> end(std::uint32_t number) override {
    Result<void> r = inner_.end(number);
    const auto& done = inner_.outcomes();
    if (!done.empty() && done.back().number == number &&
        done.back().status == MessageStatus::delivered)
      stored_(done.back().bytes);
    return r;
  }
  void refused(std::uint32_t number, const pop3::Reply& reply) override {
    inner_.refused(number, reply);
  }

 private:
  FetchSink& inner_;
  std::function<void(std::uint64_t)> stored_;
};

// One header line's value: control bytes become spaces, cut at 900 bytes (RFC 5322 §2.1.1).
std::string header_safe(const std::string& text) {
  std::string out;
  for (char c : text) out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c;
  if (out.size() > 900) out.resize(900);
  return out;
}

Result<void> copy_file_into(const std::string& path, spool::Delivery& d) {
  auto fd = open_regular(AT_FDCWD, path.c_str(), path);
  if (!fd) return fd.error();
  std::string buffer(1 << 16, '\0');
  Result<void> out;
  for (;;) {
    ssize_t n = ::read(*fd, buffer.data(), buffer.size());
    if (n < 0) out = fs::sys_error("cannot read", path, errno);
    if (n > 0) out = d.write(std::string_view(buffer.data(), static_cast<size_t>(n)));
    if (n <= 0 || !out) break;
  }
  ::close(*fd);
  return out;
}

class LinkSync {
 public:
  LinkSync(const FetchEnv& env, const Link& link)
      : env_(env),
        link_(link),
        root_(*env.route.root),
        name_(link.remote_user + "@" + link.remote_spec) {}
  LinkResult run();

 private:
  Result<void> open_state();
  Result<void> open_store();
  void remove_orphans();
  Result<void> connect();
  Result<void> connect_and_login(const pop3::ClientOptions& options);
  Error token_failure(Error e);
  Result<void> list_and_plan();
  struct OpenBatch;
  Result<void> transfer();
  std::unique_ptr<OpenBatch> request_batch(const std::vector<pop3::FetchItem>& items);
  Result<std::vector<std::uint32_t>> settle_batch(OpenBatch& open, const Result<void>& got);
  // After the batch commit: the message's recipients for the SMTP gateway; true when settled.
  bool relay(const MessageOutcome& o);
  Result<void> relay_to_error_account(const RelayMessage& m, const std::string& first_key,
                                      const std::string& note);
  Result<void> dele(const std::vector<std::uint32_t>& numbers);
  // The DELEs the server took count as deleted; the refused ones are logged.
  void count_deleted(const std::vector<std::uint32_t>& sent,
                     const std::vector<std::uint32_t>& refused);
  Result<void> write_seen();
  Result<void> quit();
  Result<void> write_keep_dates_file();
  std::string keep_path() const {
    return keep_days_path(root_.root(), link_.remote_spec, link_.remote_user);
  }
  long long unix_now() const { return unix_seconds(env_.clock->now()); }
  bool stopping() const { return env_.stop != nullptr && env_.stop->load(); }
  LinkResult fail(const Error& e, FailureScope scope);
  void note_held(const MessageOutcome& o, const Result<void>& committed);
  void step(FetchStep s) {
    progress_.step = s;
    report();
  }
  void report() const {
    if (env_.progress) env_.progress(progress_);
  }

  const FetchEnv& env_;
  const Link& link_;
  const spool::MailRoot& root_;
  std::string name_;
  std::string tmp_dir_;
  LinkResult result_;
  std::optional<LinkLock> lock_;
  std::optional<spool::DeliveryJournal> journal_;
  std::optional<spool::TempPlacement> temps_;
  std::unique_ptr<pop3::Transport> transport_;
  std::unique_ptr<pop3::Client> client_;
  Plan plan_;
  std::vector<std::string> seen_now_;  // UIDLs fetched (or sent to the error account) now
  std::set<std::string> seen_before_;  // Leave: the seen-DB as read for the plan
  std::set<std::uint32_t> deleted_;
  bool planned_ = false;
  FetchProgress progress_;
  KeepDates first_seen_;      // KeepDays: the dates file as read for the plan
  std::string relay_reason_;  // why the last relayed message is not settled
};

LinkResult LinkSync::fail(const Error& e, FailureScope scope) {
  result_.ok = false;
  result_.scope = scope;
  result_.step = progress_.step;
  result_.error = e;
  return result_;
}

// The first held message says why messages stay on the server (HeldCause).
void LinkSync::note_held(const MessageOutcome& o, const Result<void>& committed) {
  result_.held_reason = o.reason.empty() ? "not stored" : o.reason;
  if (o.status == MessageStatus::refused) {
    result_.held_cause = HeldCause::retr_refused;
    result_.held_reply = o.reply;
  } else if (o.unroutable) {
    result_.held_cause = HeldCause::unroutable;
  } else {
    result_.held_cause = HeldCause::not_stored;
    result_.held_error = !committed ? committed.error().cause : o.cause;
  }
}

Result<void> LinkSync::open_state() {
  auto lock = LinkLock::acquire(fs::join(root_.pop3linklocks_dir(), lock_file_name(link_)));
  if (!lock) return lock.error();
  lock_.emplace(std::move(*lock));
  return {};
}

// After login, so that a link that cannot even log in leaves no state in MAIL_ROOT.
Result<void> LinkSync::open_store() {
  step(FetchStep::store);
  auto journal = spool::DeliveryJournal::open(
      *env_.fs, spool::journal_path(root_.root(), link_.remote_spec, link_.remote_user));
  if (!journal) return journal.error();
  journal_.emplace(std::move(*journal));
  // One temp directory per remote account: parallel workers creating and unlinking files in
  // one shared directory serialise on its lock. Where a target is on another file system
  // than MAIL_ROOT/tmp, the placement stages its messages beside it instead.
  tmp_dir_ = fs::join(root_.tmp_dir(),
                      sanitize_name(link_.remote_user) + "@" + sanitize_name(link_.remote_spec));
  if (auto made = env_.fs->make_dirs(tmp_dir_); !made) return made;
  temps_.emplace(*env_.fs, root_, tmp_dir_);
  remove_orphans();
  return {};
}

// Temp files of a session that was killed before their batch was journaled. The journal has
// just rolled every journaled one forward, and the link lock keeps other sessions out, so
// whatever is left in this link's temp directory belongs to no one.
void LinkSync::remove_orphans() {
  auto entries = env_.fs->list_dir(tmp_dir_);
  if (!entries) return;
  int removed = 0;
  for (const auto& e : *entries) {
    if (e.name[0] == '.') continue;
    if (env_.fs->unlink(fs::join(tmp_dir_, e.name))) ++removed;
  }
  if (removed > 0) log::info("{}: removed {} unfinished temp files", name_, removed);
}

// OAuth= links: the access token from the link's grant, refreshed first when due. A token
// endpoint that cannot be reached fails the connect step; a refused grant the auth step (the
// admin must re-authorize).
Result<void> LinkSync::connect() {
  step(FetchStep::connect);
  pop3::ClientOptions options = client_options(link_);
  const bool oauth = !link_.auth.oauth_file.empty() && env_.oauth;
  if (oauth) {
    auto token = env_.oauth(link_, false);
    if (!token) return token_failure(token.error());
    options.password = std::move(*token);
  }
  auto r = connect_and_login(options);
  // The server refused a token the file still called fresh (revoked, or the clocks differ):
  // one refresh and one more session, never more.
  if (!r && oauth && r.error().cause == ErrorCause::token_refused) {
    log::info("{}: access token refused ({}), refreshing it once", name_, r.error().text);
    client_.reset();
    transport_.reset();
    step(FetchStep::connect);
    auto token = env_.oauth(link_, true);
    if (!token) return token_failure(token.error());
    options.password = std::move(*token);
    r = connect_and_login(options);
  }
  return r;
}

Result<void> LinkSync::connect_and_login(const pop3::ClientOptions& options) {
  auto t = env_.connect(link_);
  if (!t) return t.error();
  transport_ = std::move(*t);
  client_ = std::make_unique<pop3::Client>(*transport_, options, env_.io_timeout);
  step(FetchStep::auth);
  // The listing goes out as soon as the login's +OK arrives (never ahead of it: see
  // ClientSession::login); list_and_plan() then finds it done. Its failures still count as
  // the listing's.
  auto r = client_->login(true);
  if (!r && client_->session().logged_in()) step(FetchStep::list);
  return r;
}

// "FAIL (auth): re-authorize: ..." in --status: the one failure only the admin can cure.
Error LinkSync::token_failure(Error e) {
  if (e.cause == ErrorCause::grant_refused) {
    step(FetchStep::auth);
    e.text = "re-authorize: the token endpoint " + e.file + " " + e.text;
    e.file.clear();
    e.field.clear();
  }
  return e;
}

Result<void> LinkSync::list_and_plan() {
  step(FetchStep::list);
  auto listing = client_->listing();
  if (!listing) return listing.error();
  PlanInput in;
  in.count = listing->stat.count;
  in.uidl = std::move(listing->uidl);
  in.uidl_refused = listing->uidl_refused;
  if (in.uidl_refused && leave_mode(link_.auth)) {
    return Error{ErrorKind::protocol, link_.remote_spec, 0, "UIDL",
                 "Remote POP3 server does not support UIDL (needed by Leave)"};
  }
  in.list = std::move(listing->list);
  in.delivered = [this](const std::string& uid) { return journal_->is_delivered(uid); };
  if (leave_mode(link_.auth)) {
    auto path = spool::uidb_path(root_.root(), link_.remote_spec, link_.remote_user);
    if (!path) return path.error();
    auto seen = spool::read_uidb(*path);
    if (!seen) return seen.error();
    in.seen.insert(seen->begin(), seen->end());
    seen_before_ = in.seen;
  }
  if (link_.auth.keep_days > 0) {
    auto dates = read_keep_dates(keep_path());
    if (!dates) return dates.error();
    in.first_seen = std::move(*dates);
    in.now = unix_now();
  }
  in.options = &link_.auth;
  in.session_tag = spool::unique_name(*env_.clock);
  plan_ = make_plan(in);
  planned_ = true;
  first_seen_ = std::move(in.first_seen);  // write_keep_dates_file() starts from these
  result_.not_synced += plan_.skipped_size;
  result_.not_synced_bytes += plan_.skipped_size_bytes;
  if (plan_.expired > 0) {
    log::info("{}: {} messages older than KeepDays={} deleted", name_, plan_.expired,
              link_.auth.keep_days);
  }
  if (plan_.skipped_size > 0) {
    log::info("{}: {} messages over MaxSize left on the server", name_, plan_.skipped_size);
  }
  return {};
}

// The DELEs the plan asks for before any RETR (messages the journal says are delivered).
Result<void> LinkSync::dele(const std::vector<std::uint32_t>& numbers) {
  if (numbers.empty()) return {};
  step(FetchStep::dele);
  auto refused = client_->dele(numbers);
  if (!refused) return refused.error();
  count_deleted(numbers, *refused);
  return {};
}

void LinkSync::count_deleted(const std::vector<std::uint32_t>& sent,
                             const std::vector<std::uint32_t>& refused) {
  std::set<std::uint32_t> bad(refused.begin(), refused.end());
  for (auto n : sent) {
    if (bad.count(n)) {
      log::warn("{}: server refused DELE {}", name_, n);
    } else {
      deleted_.insert(n);
      ++result_.deleted;
    }
  }
}

// One batch in flight: its RETRs are queued in the session behind the previous batch's, so
// the server sends batch k+1 while batch k is committed; its messages are staged into its own
// DeliveryBatch until then.
struct LinkSync::OpenBatch {
  explicit OpenBatch(LinkSync& sync)
      : batch(*sync.env_.fs, *sync.journal_),
        sink(sync.env_.route, sync.link_, *sync.env_.fs, *sync.env_.clock, *sync.temps_, batch,
             sync.plan_.keys, sync.plan_.sizes),
        counting(sink, [&sync](std::uint64_t bytes) {
          ++sync.progress_.messages;
          sync.progress_.bytes += bytes;
          sync.report();
          // SIGTERM: no RETR after the ones already sent; what arrives is committed, DELEd, QUIT.
          if (sync.stopping()) sync.client_->session().drain();
        }) {}
  spool::DeliveryBatch batch;
  FetchSink sink;
  CountingSink counting;
};

// QUIT never rides behind the last RETR, not even in Leave mode where nothing follows it:
// Dovecot over TLS then lost the tail of its output (the last message and QUIT's +OK) in
// about 1 session in 100, failing the link although the server had sent everything
// (docs/performance.md §5.3). A session without DELEs sends QUIT after the last reply and
// does not wait for its answer (Client::quit), so this costs no round trip.
std::unique_ptr<LinkSync::OpenBatch> LinkSync::request_batch(
    const std::vector<pop3::FetchItem>& items) {
  auto open = std::make_unique<OpenBatch>(*this);
  if (env_.route.relay != nullptr && env_.relay_sender != nullptr)
    open->sink.set_relay_dir(tmp_dir_);
  client_->session().add_retrieve(items, open->counting);
  return open;
}

// A batch whose replies are all in (or whose connection broke): commit whatever arrived whole,
// count it, and return the numbers to DELE, now durable. In Leave mode there are none, and a
// failed commit deletes nothing either way.
Result<std::vector<std::uint32_t>> LinkSync::settle_batch(OpenBatch& open,
                                                          const Result<void>& got) {
  FetchSink& sink = open.sink;
  // Messages that arrived complete are committed even when the connection broke after them:
  // the journal then makes the next session DELE them instead of fetching them again.
  if (got) step(FetchStep::store);  // else the failure stays the retrieve's
  Result<void> committed = open.batch.commit();
  std::vector<std::uint32_t> to_dele;
  const LinkResult before = result_;
  for (const auto& o : sink.outcomes()) {
    bool stored = o.status == MessageStatus::delivered || o.status == MessageStatus::error_account;
    if (stored && committed && !o.relay.empty() && !relay(o)) {
      ++result_.not_synced;
      result_.not_synced_bytes += o.bytes;
      if (result_.held++ == 0) {
        result_.held_cause = HeldCause::relay_owed;
        result_.held_reason = relay_reason_;
      }
    } else if (stored && committed) {
      if (o.status == MessageStatus::delivered) {
        ++result_.messages;
        result_.bytes += o.bytes;
      } else {
        ++result_.not_synced;
        ++result_.to_error_account;
        result_.not_synced_bytes += o.bytes;
      }
      seen_now_.push_back(o.uidl);
      to_dele.push_back(o.number);
    } else {
      ++result_.not_synced;
      result_.not_synced_bytes += o.bytes;
      if (result_.held++ == 0) note_held(o, committed);
    }
  }
  for (const auto& o : sink.outcomes()) {
    if (!o.relay_copy.empty()) (void)env_.fs->unlink(o.relay_copy);
  }
  // One line per batch, not per message or recipient (those are debug lines).
  if (!sink.outcomes().empty())
    log::info("{}: batch of {}: {} delivered, {} sent to the error account, {} held on server",
              name_, sink.outcomes().size(), result_.messages - before.messages,
              result_.to_error_account - before.to_error_account, result_.held - before.held);
  if (!got) return got.error();
  if (!committed) return committed.error();
  if (leave_mode(link_.auth)) return std::vector<std::uint32_t>{};
  return to_dele;
}

bool LinkSync::relay(const MessageOutcome& o) {
  MessageRelay relay(
      *env_.route.relay, *env_.relay_sender, *journal_, name_,
      [this](const RelayMessage& m, const std::string& key, const std::string& note) {
        return relay_to_error_account(m, key, note);
      });
  MessageRelayResult r = relay.run(RelayMessage{o.uidl, o.sender, o.relay, o.relay_copy});
  result_.relayed += r.tally.relayed;
  result_.relay_deferred += r.tally.deferred;
  result_.relay_bounced += r.tally.bounced;
  if (r.settled) {
    if (auto c = journal_->record_complete(o.uidl); !c) {
      relay_reason_ = c.error().to_string();
      return false;
    }
    return true;
  }
  relay_reason_ = r.reason;
  return false;
}

// A copy refused by the gateway (5xx) goes to Pop3SyncErrorAccount with the reply on top, under
// journal keys of its own ("bounce:<first refused>><account>"), so a retry does not add another.
Result<void> LinkSync::relay_to_error_account(const RelayMessage& m, const std::string& first_key,
                                              const std::string& note) {
  Route to = route_error_account(env_.route, mail::HeaderBlock{});
  if (to.targets.empty()) return make_error(ErrorKind::not_found, to.reason);
  std::vector<spool::Target> targets;
  for (const auto& t : to.targets) targets.push_back({"bounce:" + first_key + ">" + t.key, t.dir});
  auto tmp = temps_->temp_dir_for(targets);
  if (!tmp) return tmp.error();
  auto d = spool::Delivery::begin(*env_.fs, *tmp, spool::unique_name(*env_.clock), "");
  if (!d) return d.error();
  if (auto w = d->write("X-Psyncd-Relay-Error: " + header_safe(note) + "\r\n"); !w) return w;
  if (auto w = copy_file_into(m.copy, *d); !w) return w;
  spool::DeliveryBatch batch(*env_.fs, *journal_);
  if (auto a = batch.add(m.uidl, std::move(*d), targets, false); !a) return a;
  return batch.commit();
}

// Batch k+1 is asked for before batch k is committed, and batch k's DELEs go out only once
// its commit returned: they queue behind batch k+1's RETRs, so a DELE never precedes its
// message's durability, and the server is never idle while we sync. The last DELEs carry
// QUIT; a stop request asks for no further batch.
Result<void> LinkSync::transfer() {
  if (auto r = dele(plan_.dele_now); !r) return r;
  std::vector<std::vector<pop3::FetchItem>> batches;
  std::uint64_t batch_bytes = 0;
  for (const auto& item : plan_.fetch) {
    if (batches.empty() || batches.back().size() >= env_.batch_messages ||
        batch_bytes >= env_.batch_bytes) {
      batches.emplace_back();
      batch_bytes = 0;
    }
    batches.back().push_back(item);
    batch_bytes += item.expected_octets;
  }
  std::deque<std::unique_ptr<OpenBatch>> open;
  std::vector<std::uint32_t> deles_sent;  // the batches' DELEs, counted once all are answered
  size_t next = 0;
  auto ask = [&] {
    open.push_back(request_batch(batches[next]));
    ++next;
  };
  if (!batches.empty()) ask();
  while (!open.empty()) {
    if (next < batches.size() && !stopping()) ask();
    OpenBatch& current = *open.front();
    step(FetchStep::retrieve);
    Result<void> got =
        client_->run_until([&] { return client_->session().outstanding(current.counting) == 0; });
    if (!got) {
      // The connection is gone: commit what arrived whole in every open batch, DELE nothing.
      for (auto& b : open) (void)settle_batch(*b, got);
      return got.error();
    }
    auto to_dele = settle_batch(current, got);
    if (!to_dele) return to_dele.error();
    open.pop_front();
    const bool last = open.empty() && (next == batches.size() || stopping());
    if (last && next < batches.size()) log::info("{}: stopping after the current batch", name_);
    if (!leave_mode(link_.auth) && (!to_dele->empty() || last)) {
      step(to_dele->empty() ? FetchStep::quit : FetchStep::dele);
      client_->session().add_dele(*to_dele, last);
      deles_sent.insert(deles_sent.end(), to_dele->begin(), to_dele->end());
    }
  }
  if (auto r = client_->finish(); !r) return r;
  count_deleted(deles_sent, client_->session().dele_refused());
  return {};
}

// Leave: the seen-DB keeps what is still on the server plus what this session stored.
// Written only once the listing succeeded, so a failed session never wipes it as XMail's does
// (docs/xmail-formats.md §8.2).
Result<void> LinkSync::write_seen() {
  if (!planned_ || !leave_mode(link_.auth)) return {};
  std::vector<std::string> uidls = plan_.keep_seen;
  uidls.insert(uidls.end(), seen_now_.begin(), seen_now_.end());
  // Unchanged (nothing new, nothing gone from the server): an idle poll writes nothing.
  if (std::set<std::string>(uidls.begin(), uidls.end()) != seen_before_) {
    auto path = spool::uidb_path(root_.root(), link_.remote_spec, link_.remote_user);
    if (!path) return path.error();
    if (auto w = spool::write_uidb(*env_.fs, *path, uidls); !w) return w;
  }
  return write_keep_dates_file();
}

// KeepDays: a date for every UIDL in the seen-DB (new ones: now); the rest is dropped.
Result<void> LinkSync::write_keep_dates_file() {
  if (link_.auth.keep_days == 0) return {};
  // The dates read for the plan: the link lock keeps every other writer out meanwhile.
  KeepDates dates;
  long long now = unix_now();
  auto keep = [&](const std::string& uid) {
    auto it = first_seen_.find(uid);
    dates[uid] = it != first_seen_.end() ? it->second : now;
  };
  for (const auto& uid : plan_.keep_seen) keep(uid);
  for (const auto& uid : seen_now_) keep(uid);
  if (dates == first_seen_) return {};  // unchanged
  return write_keep_dates(*env_.fs, keep_path(), dates);
}

Result<void> LinkSync::quit() {
  step(FetchStep::quit);
  if (auto q = client_->quit(); !q) return q.error();
  // The deletions are committed: forget their journal entries (UIDLs leave the server).
  std::set<std::string> remaining;
  for (const auto& [number, uid] : plan_.keys) {
    if (!deleted_.count(number) && uid.rfind("#nouidl:", 0) != 0) remaining.insert(uid);
  }
  for (const auto& uid : plan_.keep_seen) remaining.insert(uid);
  if (leave_mode(link_.auth)) remaining.insert(plan_.current.begin(), plan_.current.end());
  return journal_->prune_except(remaining);
}

LinkResult LinkSync::run() {
  if (auto r = open_state(); !r) {
    if (r.error().kind == ErrorKind::temporary) {
      result_.skipped = true;
      result_.error = r.error();
      return result_;
    }
    return fail(r.error(), FailureScope::none);
  }
  if (auto r = connect(); !r) {
    // No connection at all says the host is down; a refused login says the account is bad.
    // A token endpoint or token file problem says nothing about the POP3 host.
    const ErrorCause cause = r.error().cause;
    bool host =
        !transport_ && cause != ErrorCause::token_endpoint && cause != ErrorCause::token_file &&
        (r.error().kind == ErrorKind::unavailable || r.error().kind == ErrorKind::temporary);
    return fail(r.error(), host ? FailureScope::host : FailureScope::account);
  }
  if (auto r = open_store(); !r) return fail(r.error(), FailureScope::none);
  Result<void> r = list_and_plan();
  if (r) r = transfer();
  Result<void> seen = write_seen();
  if (!r) return fail(r.error(), FailureScope::account);
  if (!seen) return fail(seen.error(), FailureScope::none);
  if (auto q = quit(); !q) return fail(q.error(), FailureScope::account);
  result_.ok = true;
  result_.step = progress_.step;
  return result_;
}

}  // namespace

LinkResult sync_link(const FetchEnv& env, const Link& link) {
  LinkSync sync(env, link);
  LinkResult result = sync.run();
  if (!result.ok && !result.skipped) {
    log::warn("{}@{}: sync failed: {}", link.remote_user, link.remote_spec, result.reason());
  }
  return result;
}

}  // namespace psyncd::psync
