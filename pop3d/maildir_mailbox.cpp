#include "pop3d/maildir_mailbox.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "common/fs.hpp"

namespace psyncd::pop3d {

MaildirMailbox::MaildirMailbox(std::vector<ScannedMessage> messages, MailboxLock lock)
    : messages_(std::move(messages)), lock_(std::move(lock)) {}

MaildirMailbox::~MaildirMailbox() { close_cached(); }

void MaildirMailbox::close_cached() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<std::size_t> MaildirMailbox::read(std::size_t index, std::uint64_t offset,
                                         std::span<char> buffer) {
  if (index >= messages_.size()) return make_error(ErrorKind::internal, "message index out of range");
  const std::string& path = messages_[index].path;
  if (fd_ < 0 || fd_index_ != index) {
    close_cached();
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return fs::sys_error("open", path, errno);
    fd_index_ = index;
  }
  for (;;) {
    const ssize_t n = ::pread(fd_, buffer.data(), buffer.size(), static_cast<off_t>(offset));
    if (n >= 0) {
      if (n == 0) close_cached();  // done with this message: do not keep descriptors idle
      return static_cast<std::size_t>(n);
    }
    if (errno != EINTR) return fs::sys_error("read", path, errno);
  }
}

Result<void> MaildirMailbox::remove(const std::vector<std::size_t>& indexes) {
  close_cached();
  std::optional<Error> first;
  std::set<std::string> dirs;
  for (std::size_t i : indexes) {
    if (i >= messages_.size()) continue;
    const std::string& path = messages_[i].path;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      if (!first) first = fs::sys_error("unlink", path, errno);
      continue;
    }
    dirs.insert(fs::dir_name(path));
  }
  // The deletions are what the client was promised at QUIT: make them durable.
  for (const auto& dir : dirs) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) continue;
    if (::fsync(fd) != 0 && !first) first = fs::sys_error("fsync", dir, errno);
    ::close(fd);
  }
  if (first) return *first;
  return {};
}

}  // namespace psyncd::pop3d
