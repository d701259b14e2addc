#include "app/status_recorder.hpp"

#include <ctime>

#include "common/fs.hpp"
#include "common/log.hpp"

namespace psyncd::app {

namespace {

// The POSIX file system without its syncs, for a file that is advisory (see the header).
class NoSyncFs final : public fs::ForwardingFileSystem {
 public:
  NoSyncFs() : ForwardingFileSystem(fs::posix()) {}
  Result<void> fsync(int, const std::string&) override { return {}; }
  Result<void> fsync_dir(const std::string&) override { return {}; }
  bool has_syncfs() const override { return false; }
  Result<void> syncfs(const std::string&) override { return {}; }
};

}  // namespace

StatusRecorder::StatusRecorder(const std::string& mail_root, unsigned interval,
                               std::chrono::milliseconds spacing)
    : path_(status_path(mail_root)), book_(interval), spacing_(spacing) {
  if (auto text = fs::read_file(path_); text) {
    if (auto entries = parse_status_table(*text, path_); entries) book_.load(*entries);
  }
  writer_ = std::thread([this] { write_loop(); });
}

StatusRecorder::~StatusRecorder() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();  // the writer writes what is left before it ends
}

void StatusRecorder::cycle_started(const std::vector<psync::Link>& links) {
  std::lock_guard lock(mutex_);
  if (book_.retain(links)) changed();
}

void StatusRecorder::links_table(const std::string& status) {
  std::lock_guard lock(mutex_);
  if (book_.set_links_table(status, static_cast<int64_t>(std::time(nullptr)))) changed();
}

void StatusRecorder::link_finished(size_t, const psync::LinkReport& report) {
  std::lock_guard lock(mutex_);
  book_.record(report, static_cast<int64_t>(std::time(nullptr)));
  changed();
}

void StatusRecorder::cycle_finished() {
  std::lock_guard lock(mutex_);
  if (changes_ == saved_) return;  // nothing waits to be written
  urgent_ = true;
  wake_.notify_all();
}

void StatusRecorder::changed() {
  ++changes_;
  wake_.notify_all();
}

void StatusRecorder::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t want = changes_;
  written_.wait(lock, [&] { return saved_ >= want; });
}

std::uint64_t StatusRecorder::writes() const {
  std::lock_guard lock(mutex_);
  return writes_;
}

// Waits for a change, writes the whole table, then lets `spacing_` pass before the next
// write (cut short by the cycle's end or stop), so a burst of link ends costs one write.
void StatusRecorder::write_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || changes_ != saved_; });
    if (changes_ != saved_) {
      const std::uint64_t taken = changes_;
      std::string text = format_status_table(book_.entries());
      lock.unlock();
      save(text);
      lock.lock();
      saved_ = taken;
      ++writes_;
      written_.notify_all();
    }
    if (stopping_ && changes_ == saved_) return;
    wake_.wait_for(lock, spacing_, [&] { return stopping_ || urgent_; });
    urgent_ = false;
  }
}

void StatusRecorder::save(const std::string& text) {
  static NoSyncFs no_sync;
  auto made = no_sync.make_dirs(fs::dir_name(path_), 0755);
  auto r = made ? fs::write_file_atomic(no_sync, path_, text, 0644) : made;
  // Reported once: the status file is a convenience, mail keeps flowing without it.
  if (!r && !warned_) {
    warned_ = true;
    log::warn("status file: {}", r.error().to_string());
  }
}

}  // namespace psyncd::app
