#include "spool/delivery_batch.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <set>

#include "common/log.hpp"

namespace psyncd::spool {

DeliveryBatch::DeliveryBatch(fs::FileSystem& fs, DeliveryJournal& journal, Sync sync)
    : fs_(fs), journal_(journal), syncfs_(sync == Sync::automatic && fs.has_syncfs()) {}

// One syncfs(2) per file system: the paths are grouped by directory first, so a batch of
// temp files in one directory costs one stat, not one per message.
Result<void> DeliveryBatch::sync_all(const std::vector<std::string>& paths) {
  std::set<std::string> dirs;
  for (const auto& p : paths) dirs.insert(fs::dir_name(p));
  std::set<dev_t> seen;
  for (const auto& d : dirs) {
    struct stat st;
    if (::stat(d.c_str(), &st) != 0) return fs::sys_error("cannot stat", d, errno);
    if (!seen.insert(st.st_dev).second) continue;
    if (auto r = fs_.syncfs(d); !r) return r;
  }
  return {};
}

Result<void> DeliveryBatch::add(const std::string& uidl, Delivery message,
                                const std::vector<Target>& targets, bool complete) {
  for (const auto& item : items_) {
    if (item.pending.uidl == uidl)  // a server listing one UIDL twice: deliver it once
      return Error{ErrorKind::protocol, {}, 0, uidl, "UIDL appears twice in one batch"};
  }
  if (auto r = message.stage(!syncfs_); !r) return r;
  JournalRecord p;
  p.type = JournalRecord::Type::pending;
  p.uidl = uidl;
  p.complete = complete;
  p.tmp_path = message.journal_tmp_path();
  std::string file = stored_name(message.name(), message.size());
  for (const auto& t : targets) {
    if (journal_.has_recipient(uidl, t.key)) continue;  // a retry: this one has it already
    p.targets.push_back({t.key, fs::join(t.dir, file)});
  }
  if (p.targets.empty()) {
    // Every routed recipient has it already (a retry): just record the outcome.
    return journal_.record_delivered(uidl, complete, {});
  }
  items_.push_back(Item{std::move(message), std::move(p)});
  return {};
}

Result<void> DeliveryBatch::publish(std::vector<std::string>& linked) {
  std::set<std::string> dirs;
  for (auto& item : items_) {
    // Every target but the last gets a hard link; the last takes the temp file itself by
    // rename, which saves the unlink per message. Names are unique (unique_name.hpp), so the
    // rename replaces nothing; recovery (DeliveryJournal::resolve) sees the same states as
    // with links: temp present and targets missing, or temp gone and the targets present.
    // An unnamed temp file gets a link per target, and is "gone" to recovery at any point.
    const auto& targets = item.pending.targets;
    for (size_t i = 0; i < targets.size(); ++i) {
      const auto& t = targets[i];
      if (auto r = item.message.publish(t.path, i + 1 == targets.size()); !r) return r;
      linked.push_back(t.path);
      dirs.insert(fs::dir_name(t.path));
    }
  }
  if (syncfs_) return sync_all({dirs.begin(), dirs.end()});
  for (const auto& d : dirs) {
    if (auto r = fs_.fsync_dir(d); !r) return r;
  }
  return {};
}

// After a failure half-way: remove what we linked, then let the journal look at the disk, so
// that a file we could not remove is recorded as delivered instead of delivered again later.
void DeliveryBatch::roll_back(const std::vector<std::string>& linked) {
  for (const auto& path : linked) (void)fs_.unlink(path);
  std::vector<JournalRecord> pending;
  for (auto& item : items_) {
    item.message.abort();  // removes a temp file not yet renamed, closes an unnamed one
    pending.push_back(item.pending);
  }
  if (auto r = journal_.resolve(pending); !r) {
    log::warn("{}: cannot resolve a failed batch now, recovery will: {}", journal_.path(),
              r.error().to_string());
  }
}

bool DeliveryBatch::all_unnamed() const {
  for (const auto& item : items_) {
    if (!item.message.unnamed()) return false;
  }
  return true;
}

// Data first (one syncfs per file system, or the per-file fsyncs done by stage()), then the
// pending records with a journal fsync.
Result<void> DeliveryBatch::record_pending_durably(const std::vector<JournalRecord>& pending,
                                                   const std::vector<std::string>& tmps) {
  if (syncfs_) {
    if (auto r = sync_all(tmps); !r) {
      items_.clear();
      return r;
    }
  }
  if (auto r = journal_.record_pending(pending); !r) {
    // Not durable, maybe torn: nothing is linked yet, so dropping the temps is a clean abort
    // (resolve() then finds nothing in place and forgets the pending records).
    items_.clear();
    (void)journal_.resolve(pending);
    return r;
  }
  return {};
}

Result<void> DeliveryBatch::commit() {
  if (items_.empty()) return {};
  std::vector<JournalRecord> pending;
  std::vector<std::string> tmps;
  for (const auto& item : items_) {
    pending.push_back(item.pending);
    tmps.push_back(item.message.tmp_path());  // for an unnamed file: where it would be
  }
  // The pending records must be durable before any link is, and the data before a pending
  // record can point at a named temp file (recovery would link it). Unnamed temp files are
  // not in the records, so with syncfs one sync covers the data and the records together.
  if (syncfs_ && all_unnamed()) {
    Result<void> r = journal_.write_pending(pending);
    tmps.push_back(journal_.path());
    if (r) r = sync_all(tmps);
    if (!r) {
      // Nothing is linked: dropping the temps is a clean abort, whatever reached the disk.
      items_.clear();
      (void)journal_.resolve(pending);
      return r;
    }
  } else if (auto r = record_pending_durably(pending, tmps); !r) {
    return r;
  }
  std::vector<std::string> linked;
  if (auto r = publish(linked); !r) {
    roll_back(linked);
    items_.clear();
    return r;
  }
  std::vector<JournalRecord> delivered;
  for (auto& item : items_) {
    JournalRecord d;
    d.type = JournalRecord::Type::delivered;
    d.uidl = item.pending.uidl;
    d.complete = item.pending.complete;
    for (const auto& t : item.pending.targets) d.keys.push_back(t.key);
    delivered.push_back(std::move(d));
  }
  // Not fsynced by design. On an append error the mail is still durably in place and the
  // journal knows it in memory; it rewrites the file before its next append.
  if (auto r = journal_.record_delivered(delivered); !r)
    log::warn("{} (delivered; the journal will be rewritten)", r.error().to_string());
  items_.clear();  // every temp file became its message's last target
  return {};
}

}  // namespace psyncd::spool
