// ListingCache: the server's in-memory index of mailbox listings, shared by all event loops.
// A login normally reads the whole mailbox directory (readdir + sort + one UIDL per name),
// which was a large share of the server's CPU in a login+STAT+UIDL session
// (docs/performance.md §3.2; a full download is dominated by its RETRs either way). Here a
// login stats the listed directories instead and reuses the last listing while they are
// unchanged: same device, inode, mtime and ctime. Any delivery, deletion or rename in the directory
// changes its mtime, and ctime cannot be set back by anyone, so a changed mailbox is always read
// again. File-system timestamps are coarse (a kernel tick, or a second on some file systems), so a
// change within the same tick as our scan could leave mtime as it was: a listing is kept only
// when every directory was last changed at least kSettleTime before the scan began. Missing
// directories are not cached. At most `max_messages` listed messages are kept over all
// mailboxes (an entry counts one more, so empty mailboxes are bounded too); the least recently
// used listings go first; 0 turns the cache off.
// It does not lock mailboxes (MailboxLock does) and does not read message files.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "pop3d/maildir_mailbox.hpp"
#include "spool/mailbox_reader.hpp"

namespace psyncd::pop3d {

// The account's listing read from disk now (make_listing over spool::list_messages): what a
// login without a cache, and the cache on a miss, both do.
Result<std::shared_ptr<const MailboxListing>> read_listing(const std::string& account_dir,
                                                           spool::MailboxFormat format,
                                                           bool scan_cur);

class ListingCache {
 public:
  static constexpr std::size_t kDefaultMaxMessages = 100'000;
  static constexpr std::chrono::seconds kSettleTime{2};

  // `clock` (wall time) tells when a scan began; it must outlive the cache.
  explicit ListingCache(std::size_t max_messages = kDefaultMaxMessages,
                        const Clock& clock = system_clock())
      : clock_source_(clock), max_messages_(max_messages) {}

  // The cap (server.tab Pop3ListingCache, read at start-up); 0 also empties the cache.
  void set_max_messages(std::size_t max_messages);

  // The account's listing (make_listing over spool::list_messages): the cached one while
  // its directories are unchanged, else a new scan. Thread-safe.
  Result<std::shared_ptr<const MailboxListing>> get(const std::string& account_dir,
                                                    spool::MailboxFormat format, bool scan_cur);

  // For tests and the admin's curiosity: directory scans made, and messages held now.
  std::size_t scans() const;
  std::size_t cached_messages() const;

 private:
  struct DirStamp {
    dev_t dev = 0;
    ino_t ino = 0;
    timespec mtime{};
    timespec ctime{};
    bool operator==(const DirStamp& o) const;
  };
  struct Entry {
    std::vector<DirStamp> stamps;
    std::shared_ptr<const MailboxListing> listing;
    std::uint64_t last_use = 0;
  };
  // Stamps of `dirs`, or none when one cannot be stat'ed (then nothing is cached).
  static bool stamp(const std::vector<std::string>& dirs, std::vector<DirStamp>& out);
  static bool settled(const std::vector<DirStamp>& stamps,
                      std::chrono::system_clock::time_point scan_start);
  void insert(const std::string& key, Entry entry);

  const Clock& clock_source_;
  mutable std::mutex mu_;
  std::size_t max_messages_;
  std::unordered_map<std::string, Entry> entries_;
  std::size_t messages_ = 0;  // weight of entries_: their messages plus one per entry
  std::size_t scans_ = 0;
  std::uint64_t clock_ = 0;  // use counter for LRU eviction
};

}  // namespace psyncd::pop3d
