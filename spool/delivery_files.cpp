#include "spool/delivery_files.hpp"

#include "common/fs.hpp"

namespace psyncd::spool {

namespace {
constexpr size_t kMaxCached = 10000;
}  // namespace

const tabfile::Table* MailRootFiles::table(const std::string& relative) const {
  std::lock_guard lock(mutex_);
  auto it = cache_.find(relative);
  if (it != cache_.end()) return it->second.get();
  std::string path = fs::join(root_, relative);
  std::unique_ptr<tabfile::Table> table;
  if (fs::exists(path)) {
    table = std::make_unique<tabfile::Table>();
    auto read = tabfile::read_table(path);
    if (read) {
      *table = std::move(*read);
    } else {
      table->path = path;
      table->problems.push_back(read.error());
    }
  }
  // Misses are kept too, but only so many: the names asked for come from fetched mail.
  if (table == nullptr && cache_.size() >= kMaxCached) return nullptr;
  return cache_.emplace(relative, std::move(table)).first->second.get();
}

}  // namespace psyncd::spool
