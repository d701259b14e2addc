#include "pop3d/listing_cache.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <utility>

namespace psyncd::pop3d {
namespace {

bool same_time(const timespec& a, const timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

std::chrono::system_clock::time_point as_time_point(const timespec& t) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec)));
}

std::string cache_key(const std::string& account_dir, spool::MailboxFormat format, bool scan_cur) {
  std::string key = account_dir;
  key += '\0';
  key += format == spool::MailboxFormat::maildir ? (scan_cur ? "mc" : "m") : "b";
  return key;
}

// What an entry counts against the cap: its messages, plus one so that empty mailboxes are
// bounded too.
std::size_t weight(const MailboxListing& listing) { return listing.size() + 1; }

}  // namespace

Result<std::shared_ptr<const MailboxListing>> read_listing(const std::string& account_dir,
                                                           spool::MailboxFormat format,
                                                           bool scan_cur) {
  auto messages = spool::list_messages(account_dir, format, scan_cur);
  if (!messages) return messages.error();
  return make_listing(std::move(*messages));
}

bool ListingCache::DirStamp::operator==(const DirStamp& o) const {
  return dev == o.dev && ino == o.ino && same_time(mtime, o.mtime) && same_time(ctime, o.ctime);
}

bool ListingCache::stamp(const std::vector<std::string>& dirs, std::vector<DirStamp>& out) {
  out.clear();
  for (const auto& d : dirs) {
    struct stat st;
    if (::stat(d.c_str(), &st) != 0) return false;
    out.push_back({st.st_dev, st.st_ino, st.st_mtim, st.st_ctim});
  }
  return true;
}

bool ListingCache::settled(const std::vector<DirStamp>& stamps,
                           std::chrono::system_clock::time_point scan_start) {
  const auto limit = scan_start - kSettleTime;
  return std::all_of(stamps.begin(), stamps.end(), [&](const DirStamp& s) {
    return as_time_point(s.mtime) < limit && as_time_point(s.ctime) < limit;
  });
}

Result<std::shared_ptr<const MailboxListing>> ListingCache::get(const std::string& account_dir,
                                                                spool::MailboxFormat format,
                                                                bool scan_cur) {
  const auto scan_start = clock_source_.now();  // before the stamps: see settled()
  std::vector<DirStamp> stamps;
  bool enabled = false;
  {
    std::lock_guard lock(mu_);
    enabled = max_messages_ > 0;
  }
  const bool stamped = enabled && stamp(spool::listed_dirs(account_dir, format, scan_cur), stamps);
  const std::string key = stamped ? cache_key(account_dir, format, scan_cur) : std::string();
  if (stamped) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.stamps == stamps) {
      it->second.last_use = ++clock_;
      return it->second.listing;
    }
  }
  auto listing = read_listing(account_dir, format, scan_cur);
  {
    std::lock_guard lock(mu_);
    ++scans_;
  }
  if (listing && stamped && settled(stamps, scan_start))
    insert(key, Entry{std::move(stamps), *listing, 0});
  return listing;
}

void ListingCache::insert(const std::string& key, Entry entry) {
  std::lock_guard lock(mu_);
  const std::size_t size = weight(*entry.listing);
  if (auto it = entries_.find(key); it != entries_.end()) {
    messages_ -= weight(*it->second.listing);
    entries_.erase(it);
  }
  if (size > max_messages_) return;  // larger than the whole cache: never kept
  // Least recently used first. A linear scan, but only when the cache is full.
  while (messages_ + size > max_messages_ && !entries_.empty()) {
    auto oldest = std::min_element(
        entries_.begin(), entries_.end(),
        [](const auto& a, const auto& b) { return a.second.last_use < b.second.last_use; });
    messages_ -= weight(*oldest->second.listing);
    entries_.erase(oldest);
  }
  entry.last_use = ++clock_;
  messages_ += size;
  entries_.emplace(key, std::move(entry));
}

void ListingCache::set_max_messages(std::size_t max_messages) {
  std::lock_guard lock(mu_);
  max_messages_ = max_messages;
  if (max_messages_ == 0) {
    entries_.clear();
    messages_ = 0;
  }
}

std::size_t ListingCache::scans() const {
  std::lock_guard lock(mu_);
  return scans_;
}

std::size_t ListingCache::cached_messages() const {
  std::lock_guard lock(mu_);
  return messages_ - entries_.size();
}

}  // namespace psyncd::pop3d
