#include "spool/delivery_journal.hpp"

#include <fcntl.h>

#include <cerrno>
#include <utility>

#include "common/log.hpp"
#include "spool/uidb.hpp"

namespace psyncd::spool {

std::string journal_path(const std::string& mail_root, std::string_view server,
                         std::string_view user) {
  std::string name = sanitize_name(user) + "@" + sanitize_name(server) + ".journal";
  return fs::join(fs::join(fs::join(mail_root, "psyncd"), "journal"), name);
}

Result<DeliveryJournal> DeliveryJournal::open(fs::FileSystem& fs, const std::string& path) {
  if (auto r = fs.make_dirs(fs::dir_name(path)); !r) return r.error();
  DeliveryJournal j(fs, path);
  if (auto r = j.load(); !r) return r.error();
  // Recovery: whatever was pending when the last process stopped is finished or rolled back.
  std::vector<JournalRecord> pending;
  for (auto& [uidl, rec] : j.pending_) pending.push_back(rec);
  if (!pending.empty()) log::info("{}: recovering {} pending deliveries", path, pending.size());
  if (auto r = j.resolve(pending); !r) return r.error();
  // After a recovery the file still lists what was pending: rewrite it, or every later open
  // would recover the same records again.
  if (j.dirty_ || !pending.empty()) {
    if (auto r = j.compact(); !r) return r.error();
  }
  return j;
}

DeliveryJournal::DeliveryJournal(DeliveryJournal&& other) noexcept { *this = std::move(other); }

DeliveryJournal& DeliveryJournal::operator=(DeliveryJournal&& other) noexcept {
  if (this != &other) {
    close_fd();
    fs_ = other.fs_;
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    dirty_ = other.dirty_;
    entries_ = std::move(other.entries_);
    pending_ = std::move(other.pending_);
  }
  return *this;
}

DeliveryJournal::~DeliveryJournal() { close_fd(); }

void DeliveryJournal::close_fd() {
  if (fd_ >= 0 && fs_ != nullptr) (void)fs_->close(std::exchange(fd_, -1), path_);
}

Result<void> DeliveryJournal::load() {
  auto text = fs::read_file(path_, size_t{1} << 30);
  if (!text) {
    if (text.error().kind != ErrorKind::not_found) return text.error();
    dirty_ = false;  // no file matches an empty journal; the first append creates it
    return {};
  }
  ParsedJournal parsed = parse_journal(*text, path_);
  for (const auto& e : parsed.problems) log::warn("{}", e.to_string());
  if (parsed.torn_tail) log::info("{}: ignoring a torn last record", path_);
  // A file of whole, valid records takes appends as it is; a bad line or a torn tail is
  // rewritten before anything is appended.
  dirty_ = !parsed.problems.empty() || parsed.torn_tail;
  std::vector<std::string> stale_tmps;
  std::map<std::string, std::set<std::string>> sending;
  for (auto& rec : parsed.records) {
    if (rec.type == JournalRecord::Type::sending) {
      sending[rec.uidl].insert(rec.keys.begin(), rec.keys.end());
      continue;
    }
    if (rec.type == JournalRecord::Type::pending) {
      pending_[rec.uidl] = rec;
      continue;
    }
    if (auto it = pending_.find(rec.uidl); it != pending_.end()) {
      stale_tmps.push_back(it->second.tmp_path);  // delivered, but its temp file may remain
      pending_.erase(it);
    }
    Entry& e = entries_[rec.uidl];
    e.complete = e.complete || rec.complete;
    e.keys.insert(rec.keys.begin(), rec.keys.end());
  }
  for (const auto& tmp : stale_tmps) {
    if (fs::exists(tmp)) (void)fs_->unlink(tmp);
  }
  for (const auto& [uidl, keys] : sending) {
    for (const auto& key : keys) {
      if (has_recipient(uidl, key)) continue;
      log::warn(
          "{}: {} of {} was being sent when psyncd stopped; the gateway may have it; it is "
          "sent again (a duplicate rather than a loss)",
          path_, key, uidl);
      dirty_ = true;  // the next write drops the "sending" lines
    }
  }
  return {};
}

bool DeliveryJournal::is_delivered(std::string_view uidl) const {
  auto it = entries_.find(uidl);
  return it != entries_.end() && it->second.complete;
}

bool DeliveryJournal::has_recipient(std::string_view uidl, std::string_view key) const {
  auto it = entries_.find(uidl);
  return it != entries_.end() && it->second.keys.find(key) != it->second.keys.end();
}

Result<void> DeliveryJournal::reopen() {
  close_fd();
  auto fd = fs_->open(path_, O_WRONLY | O_APPEND | O_CREAT, 0600);
  if (!fd) return fd.error();
  fd_ = *fd;
  return {};
}

Result<void> DeliveryJournal::compact() {
  std::string text;
  for (const auto& [uidl, e] : entries_) {
    JournalRecord d;
    d.type = JournalRecord::Type::delivered;
    d.uidl = uidl;
    d.complete = e.complete;
    d.keys.assign(e.keys.begin(), e.keys.end());
    text += format_record(d);
  }
  for (const auto& [uidl, p] : pending_) text += format_record(p);
  if (auto r = fs::write_file_atomic(*fs_, path_, text); !r) return r;
  if (auto r = reopen(); !r) return r;
  dirty_ = false;
  return {};
}

Result<void> DeliveryJournal::append(const std::string& lines, bool sync, bool create) {
  // After a failed append the file may end in a torn record: rewrite it whole instead.
  // A journal's first file is made whole too (temp, fsync, rename, directory fsync), so its
  // name is as durable as its records, unless the caller's syncfs will cover the new name.
  // `lines` are in memory already, so compact() has them.
  if (dirty_ || (!create && fd_ < 0 && !fs::exists(path_))) return compact();
  if (fd_ < 0) {
    if (auto r = reopen(); !r) return r;
  }
  auto r = fs_->write_all(fd_, lines, path_);
  if (r && sync) r = fs_->fsync(fd_, path_);
  if (!r) dirty_ = true;
  return r;
}

Result<void> DeliveryJournal::record_pending(const std::vector<JournalRecord>& pending) {
  std::string lines;
  for (const auto& p : pending) {
    pending_[p.uidl] = p;
    lines += format_record(p);
  }
  return append(lines, true);
}

Result<void> DeliveryJournal::write_pending(const std::vector<JournalRecord>& pending) {
  std::string lines;
  for (const auto& p : pending) {
    pending_[p.uidl] = p;
    lines += format_record(p);
  }
  return append(lines, false, true);
}

std::string DeliveryJournal::remember_delivered(const std::string& uidl, bool complete,
                                                const std::vector<std::string>& keys) {
  pending_.erase(uidl);
  Entry& e = entries_[uidl];
  e.complete = e.complete || complete;
  e.keys.insert(keys.begin(), keys.end());
  JournalRecord d;
  d.type = JournalRecord::Type::delivered;
  d.uidl = uidl;
  d.complete = complete;
  d.keys = keys;
  return format_record(d);
}

Result<void> DeliveryJournal::record_delivered(const std::string& uidl, bool complete,
                                               const std::vector<std::string>& keys) {
  return append(remember_delivered(uidl, complete, keys), false);
}

Result<void> DeliveryJournal::record_delivered(const std::vector<JournalRecord>& delivered) {
  std::string lines;
  for (const auto& d : delivered) lines += remember_delivered(d.uidl, d.complete, d.keys);
  return append(lines, false);
}

Result<void> DeliveryJournal::record_sending(const std::string& uidl,
                                             const std::vector<std::string>& keys) {
  JournalRecord r;
  r.type = JournalRecord::Type::sending;
  r.uidl = uidl;
  r.keys = keys;
  if (dirty_) return compact();  // the record matters only to a crash; a whole file is enough
  return append(format_record(r), false);
}

Result<void> DeliveryJournal::record_relayed(const std::string& uidl,
                                             const std::vector<std::string>& keys) {
  return append(remember_delivered(uidl, false, keys), true);
}

Result<void> DeliveryJournal::record_complete(const std::string& uidl) {
  return append(remember_delivered(uidl, true, {}), true);
}

// Links the missing targets while the temp file exists; reports who has the message.
Result<DeliveryJournal::Outcome> DeliveryJournal::finish_one(const JournalRecord& p,
                                                             std::set<std::string>& dirs) {
  bool have_tmp = fs::exists(p.tmp_path);
  Outcome out;
  out.complete = p.complete;
  for (const auto& t : p.targets) {
    if (fs::exists(t.path)) {
      out.keys.push_back(t.key);
      continue;
    }
    if (!have_tmp) {
      out.complete = false;  // rolled back for this recipient: a retry delivers it again
      continue;
    }
    if (auto r = fs_->link(p.tmp_path, t.path); !r) return r.error();
    dirs.insert(fs::dir_name(t.path));
    out.keys.push_back(t.key);
  }
  return out;
}

Result<void> DeliveryJournal::resolve(const std::vector<JournalRecord>& pending) {
  std::set<std::string> dirs;
  std::vector<Outcome> outcomes;
  for (const auto& p : pending) {
    auto r = finish_one(p, dirs);
    if (!r) return r.error();
    outcomes.push_back(std::move(*r));
  }
  // The new links must be durable before the journal says so.
  for (const auto& d : dirs) {
    if (auto r = fs_->fsync_dir(d); !r) return r;
  }
  std::string lines;
  for (size_t i = 0; i < pending.size(); ++i) {
    if (outcomes[i].keys.empty()) {
      pending_.erase(pending[i].uidl);  // nothing became visible: rolled back
      continue;
    }
    lines += remember_delivered(pending[i].uidl, outcomes[i].complete, outcomes[i].keys);
  }
  if (!lines.empty()) {
    if (auto r = append(lines, false); !r) return r;
  }
  for (const auto& p : pending) {
    if (fs::exists(p.tmp_path)) (void)fs_->unlink(p.tmp_path);
  }
  return {};
}

Result<void> DeliveryJournal::prune_except(const std::set<std::string>& current) {
  bool erased = false;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (current.count(it->first)) {
      ++it;
    } else {
      it = entries_.erase(it);
      erased = true;
    }
  }
  // Nothing forgotten: the file already says this, with the records appended since its last
  // rewrite (an idle poll of an empty or unchanged mailbox writes nothing).
  if (!erased && !dirty_) return {};
  return compact();
}

}  // namespace psyncd::spool
