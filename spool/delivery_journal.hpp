// The per-link delivery journal: which remote UIDLs are already in local mailboxes, and for
// which recipients, so a session that died after delivery but before QUIT only DELEs next
// time (delete mode and Leave mode alike). Before a batch's renames it holds "pending (uidl,
// tmp, targets)", fsynced once per batch; after them "delivered (uidl, recipients)". open()
// recovers every half-done delivery (rolls it forward while its temp file exists, otherwise
// keeps only the recipients whose file is there) and compacts the file atomically.
// Recipients relayed to an SMTP gateway (psync/fetch_relay.hpp) have "sending (uidl, keys)"
// before the transaction and "delivered" once the gateway said 2xx, fsynced. A recipient left in
// "sending" by a crash is owed again: the gateway may or may not have taken it, and a duplicate is
// better than a loss (RFC 5321 §6.1); open() logs each such recipient.
// Records are checksummed (journal_record.hpp); a torn tail is ignored. Not thread-safe:
// one link is synced by one worker at a time (the link lock).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/fs.hpp"
#include "common/result.hpp"
#include "spool/journal_record.hpp"

namespace psyncd::spool {

// MAIL_ROOT/psyncd/journal/<S(user)>@<S(server)>.journal — keyed like XMail's link lock
// (docs/xmail-formats.md §3.5) so that two local links fetching one remote account share it. A
// psyncd-owned directory: XMail never looks there.
std::string journal_path(const std::string& mail_root, std::string_view server,
                         std::string_view user);

class DeliveryJournal {
 public:
  // Opens (creating the file and its directory), recovers and compacts.
  static Result<DeliveryJournal> open(fs::FileSystem& fs, const std::string& path);

  DeliveryJournal(DeliveryJournal&& other) noexcept;
  DeliveryJournal& operator=(DeliveryJournal&& other) noexcept;
  DeliveryJournal(const DeliveryJournal&) = delete;
  DeliveryJournal& operator=(const DeliveryJournal&) = delete;
  ~DeliveryJournal();

  // Every recipient of `uidl` has it: the fetch engine only DELEs it (or skips it in Leave).
  bool is_delivered(std::string_view uidl) const;
  // `key` already has `uidl` (a retry of a multi-recipient message skips it).
  bool has_recipient(std::string_view uidl, std::string_view key) const;
  // Number of UIDLs with at least one delivered recipient.
  size_t size() const { return entries_.size(); }
  const std::string& path() const { return path_; }

  // Appends pending records and fsyncs the journal once (one fsync per batch).
  Result<void> record_pending(const std::vector<JournalRecord>& pending);
  // Appends pending records without any sync (a new journal file is simply created): the
  // caller makes them durable with a syncfs of the journal's file system before anything
  // they name can become durable (DeliveryBatch, for unnamed temp files only).
  Result<void> write_pending(const std::vector<JournalRecord>& pending);
  // Looks at the disk for each pending record: links the missing targets while the temp file
  // exists (roll forward), counts the targets that are there, records them as delivered and
  // removes the temp file. Used at recovery and when a batch fails half-way.
  Result<void> resolve(const std::vector<JournalRecord>& pending);
  // Records recipients as delivered. Not fsynced: the pending record plus the fsynced target
  // directories make it recoverable, and the next batch's fsync or compaction makes it durable.
  Result<void> record_delivered(const std::string& uidl, bool complete,
                                const std::vector<std::string>& keys);
  // The same for many (delivered records: uidl, complete, keys), in one write.
  Result<void> record_delivered(const std::vector<JournalRecord>& delivered);
  // Relay: the recipients about to be sent (not fsynced: a lost "sending" changes nothing, the
  // recipient is owed either way), then those the gateway took (fsynced before anything else).
  Result<void> record_sending(const std::string& uidl, const std::vector<std::string>& keys);
  Result<void> record_relayed(const std::string& uidl, const std::vector<std::string>& keys);
  // The message's last recipient is settled: it is delivered (complete), fsynced.
  Result<void> record_complete(const std::string& uidl);
  // Forgets every UIDL not in `current` (gone from the server), then compacts when something
  // was forgotten or the file is damaged. Records only appended since the last compaction stay
  // as they are: they are valid, and a rewrite would cost two more syncs per session.
  Result<void> prune_except(const std::set<std::string>& current);
  // Rewrites the file from memory (temp + fsync + rename + fsync dir).
  Result<void> compact();

 private:
  struct Entry {
    bool complete = false;
    std::set<std::string, std::less<>> keys;
  };
  DeliveryJournal(fs::FileSystem& fs, std::string path) : fs_(&fs), path_(std::move(path)) {}
  Result<void> load();
  // create: a missing file is made by the append itself (write_pending), not by compact().
  Result<void> append(const std::string& lines, bool sync, bool create = false);
  Result<void> reopen();
  struct Outcome {
    bool complete = false;
    std::vector<std::string> keys;  // recipients whose file is in place
  };
  Result<Outcome> finish_one(const JournalRecord& p, std::set<std::string>& dirs);
  // Updates memory; returns the record line to append.
  std::string remember_delivered(const std::string& uidl, bool complete,
                                 const std::vector<std::string>& keys);
  void close_fd();

  fs::FileSystem* fs_ = nullptr;
  std::string path_;
  int fd_ = -1;
  bool dirty_ = true;  // the file does not match memory: compact before the next append
  std::map<std::string, Entry, std::less<>> entries_;
  std::map<std::string, JournalRecord, std::less<>> pending_;
};

}  // namespace psyncd::spool
