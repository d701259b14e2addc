#include "spool/delivery.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <utility>

namespace psyncd::spool {
namespace {

// Writes are issued in pieces of about this size: big enough for few syscalls, small enough
// that a 100 MB message never sits in memory.
constexpr size_t kFlushBytes = 64 * 1024;
// The buffer starts small and grows up to kFlushBytes only for big messages: a 64 KiB block
// per message made malloc grow and trim the heap (page faults) for every 4 KB message.
constexpr size_t kInitialBuffer = 8 * 1024;

// Unnamed temp files hold a descriptor until their batch is published: at most a quarter of
// the descriptor limit (as it is at the first delivery) goes to them, so sockets, journals and
// the POP3 server never run short; beyond it, temp files are named.
class UnnamedBudget {
 public:
  bool take() {
    if (used_.fetch_add(1, std::memory_order_relaxed) < limit_) return true;
    give_back();
    return false;
  }
  void give_back() { used_.fetch_sub(1, std::memory_order_relaxed); }

 private:
  static long quarter_of_fd_limit() {
    rlimit r{};
    if (::getrlimit(RLIMIT_NOFILE, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return 256;
    return static_cast<long>(r.rlim_cur / 4);
  }
  const long limit_ = quarter_of_fd_limit();
  std::atomic<long> used_{0};
};

UnnamedBudget& unnamed_budget() {
  static UnnamedBudget budget;
  return budget;
}

}  // namespace

std::string stored_name(std::string_view unique, std::uint64_t size) {
  return fmt::format("{},W={}", unique, size);
}

Delivery::Delivery(fs::FileSystem& fs, std::string tmp_path, std::string name, int fd, bool unnamed)
    : fs_(&fs),
      tmp_path_(std::move(tmp_path)),
      name_(std::move(name)),
      fd_(fd),
      unnamed_(unnamed),
      state_(State::writing) {}

Result<Delivery> Delivery::begin(fs::FileSystem& fs, const std::string& tmp_dir,
                                 const std::string& name, std::string_view envelope) {
  std::string path = fs::join(tmp_dir, name);
  int fd = -1;
  if (unnamed_budget().take()) {
    auto unnamed = fs.open_unnamed(tmp_dir, 0600);
    if (!unnamed) {
      unnamed_budget().give_back();
      return unnamed.error();
    }
    fd = *unnamed;
    if (fd < 0) unnamed_budget().give_back();  // not on this file system: a named one
  }
  const bool is_unnamed = fd >= 0;
  if (!is_unnamed) {
    auto named = fs.open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (!named) return named.error();
    fd = *named;
  }
  Delivery d(fs, std::move(path), name, fd, is_unnamed);
  d.buffer_.reserve(std::max(kInitialBuffer, envelope.size() + 1024));
  d.buffer_.append(envelope);
  return d;
}

Delivery::Delivery(Delivery&& other) noexcept { *this = std::move(other); }

Delivery& Delivery::operator=(Delivery&& other) noexcept {
  if (this != &other) {
    abort();
    fs_ = other.fs_;
    tmp_path_ = std::move(other.tmp_path_);
    name_ = std::move(other.name_);
    fd_ = std::exchange(other.fd_, -1);
    unnamed_ = other.unnamed_;
    state_ = std::exchange(other.state_, State::empty);
    normalizer_ = other.normalizer_;
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

Delivery::~Delivery() { abort(); }

Error Delivery::fail(Error e) {
  abort();
  state_ = State::failed;
  return e;
}

Result<void> Delivery::flush() {
  if (buffer_.empty()) return {};
  auto r = fs_->write_all(fd_, buffer_, tmp_path_);
  buffer_.clear();
  if (!r) return fail(r.error());
  return {};
}

Result<void> Delivery::write(std::string_view chunk) {
  if (state_ != State::writing) return make_error(ErrorKind::internal, "delivery is not open");
  // Feed in slices so the buffer stays bounded whatever the caller's chunk size.
  while (!chunk.empty()) {
    size_t n = std::min(chunk.size(), kFlushBytes);
    normalizer_.feed(chunk.substr(0, n), buffer_);
    chunk.remove_prefix(n);
    if (buffer_.size() >= kFlushBytes) {
      if (auto r = flush(); !r) return r;
    }
  }
  return {};
}

Result<void> Delivery::stage(bool fsync) {
  if (state_ == State::staged) return {};
  if (state_ != State::writing) return make_error(ErrorKind::internal, "delivery is not open");
  normalizer_.finish(buffer_);
  if (auto r = flush(); !r) return r;
  // A batch holds up to hundreds of staged deliveries: they keep no buffer.
  std::string().swap(buffer_);
  if (fsync) {
    if (auto r = fs_->fsync(fd_, tmp_path_); !r) return fail(r.error());
  }
  // A named file is closed now (a failed close can report a lost write); an unnamed one
  // would vanish, so it stays open until publish().
  if (!unnamed_) {
    if (auto r = close_fd(); !r) return fail(r.error());
  }
  state_ = State::staged;
  return {};
}

// An unnamed file is closed outside the seam: it is closed either after it was made durable
// and named (nothing left to lose), or to throw it away. A named one's close is checked.
Result<void> Delivery::close_fd() {
  if (fd_ < 0) return {};
  int fd = std::exchange(fd_, -1);
  if (!unnamed_) return fs_->close(fd, tmp_path_);
  ::close(fd);
  unnamed_budget().give_back();
  return {};
}

Result<void> Delivery::publish(const std::string& path, bool last) {
  if (state_ != State::staged) return make_error(ErrorKind::internal, "delivery is not staged");
  auto r = unnamed_ ? fs_->link_fd(fd_, path)
           : last   ? fs_->rename(tmp_path_, path)
                    : fs_->link(tmp_path_, path);
  if (!r) return r;
  if (last) {
    state_ = State::committed;
    (void)close_fd();  // a named file's was closed by stage(); an unnamed one has no error
  }
  return {};
}

Result<std::string> Delivery::commit(const std::string& dir, const std::string& final_name) {
  if (auto r = stage(); !r) return r.error();
  std::string target = fs::join(dir, final_name.empty() ? stored_name(name_, size()) : final_name);
  if (auto r = publish(target, true); !r) return fail(r.error());
  // The message is in place; a failed directory fsync means it may not survive a crash, so
  // the caller must not acknowledge it (and must not DELE it remotely).
  if (auto r = fs_->fsync_dir(dir); !r) return r.error();
  return target;
}

void Delivery::abort() {
  if (fs_ == nullptr) return;
  (void)close_fd();  // an unnamed temp file is gone with its descriptor
  if (!unnamed_ && (state_ == State::writing || state_ == State::staged))
    (void)fs_->unlink(tmp_path_);
  if (state_ != State::committed) state_ = State::failed;
}

}  // namespace psyncd::spool
