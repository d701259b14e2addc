// Batch durability: publishes N messages, each to one or more recipients, with ONE journal
// fsync for the whole batch and ONE fsync per touched directory:
//   (message files fsynced) -> journal "pending" records + fsync -> link(tmp, target) for
//   every recipient -> fsync each target directory -> journal "delivered" records (not
//   fsynced) -> unlink temps.
// On a FileSystem that has_syncfs() (common/fs.hpp) the per-file fsyncs and the
// directory fsyncs become one syncfs each: 3 sync calls per batch, whatever its size. When
// every temp file of the batch is unnamed (O_TMPFILE), the pending records name no temp file
// that recovery could link, so they are written unsynced and the data syncfs covers them
// too: 2 sync calls per batch.
// A crash anywhere is repaired by DeliveryJournal::open(); a failure returns an error and
// leaves each recipient with the whole message or nothing, as the journal records it.
// Recipients the journal already has for a UIDL are skipped (no duplicate on retry).
// Temp files and targets must be on one file system (link(2)), as in XMail
// (docs/xmail-formats.md §5.2).
//
// The fetch engine's use, per link (error handling left out):
//   auto journal = DeliveryJournal::open(fs, journal_path(root, server, user));  // recovers
//   for each UIDL listed: if journal.is_delivered(uidl) -> DELE only (or skip in Leave mode)
//   else: Route r = router.route(recipients);
//         auto d = Delivery::begin(fs, r.tmp_dir, unique_name()); d.write(chunk)...  (RETR)
//         batch.add(uidl, std::move(d), r.targets, r.complete());
//   batch.commit();  then DELE the UIDLs that are is_delivered(); QUIT
//   journal.prune_except(uidls listed by the server)
// with an fs that has_syncfs() (fs::posix(), psync/fetch_group_sync.hpp) for 3 syncs a batch.
#pragma once

#include <string>
#include <vector>

#include "common/fs.hpp"
#include "common/result.hpp"
#include "spool/delivery.hpp"
#include "spool/delivery_journal.hpp"

namespace psyncd::spool {

struct Target {
  std::string key;  // the recipient, e.g. "joe@example.com"; unique within one message
  std::string dir;  // where the file goes: Maildir/new, mailbox/ or spool/local
};

class DeliveryBatch {
 public:
  enum class Sync {
    automatic,  // syncfs when `fs` has_syncfs(), else per-file fsyncs
    per_file,   // always fsync each message file and each target directory
  };
  DeliveryBatch(fs::FileSystem& fs, DeliveryJournal& journal, Sync sync = Sync::automatic);

  // Adds a message (staged here if the caller has not). The final file name in every target
  // dir is stored_name(name, size). `complete` = these targets are all the recipients; false
  // when some could not be routed (the journal then keeps the UIDL "not delivered", so the
  // message stays on the server, and a retry skips the recipients that have it).
  Result<void> add(const std::string& uidl, Delivery message, const std::vector<Target>& targets,
                   bool complete = true);
  size_t size() const { return items_.size(); }
  // Publishes everything added; the batch is empty afterwards, whatever the outcome.
  Result<void> commit();
  // Drops everything added (the temp files are removed).
  void abort() { items_.clear(); }

 private:
  struct Item {
    Delivery message;
    JournalRecord pending;
  };
  bool all_unnamed() const;
  Result<void> record_pending_durably(const std::vector<JournalRecord>& pending,
                                      const std::vector<std::string>& tmps);
  Result<void> publish(std::vector<std::string>& linked);
  // One syncfs per file system holding `paths` (syncfs mode only).
  Result<void> sync_all(const std::vector<std::string>& paths);
  void roll_back(const std::vector<std::string>& linked);

  fs::FileSystem& fs_;
  DeliveryJournal& journal_;
  bool syncfs_ = false;  // batches are made durable with fs_.syncfs()
  std::vector<Item> items_;
};

}  // namespace psyncd::spool
