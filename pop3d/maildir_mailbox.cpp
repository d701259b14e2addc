#include "pop3d/maildir_mailbox.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/fs.hpp"
#include "common/open_regular.hpp"
#include "pop3/apop.hpp"

namespace psyncd::pop3d {

namespace {

// RFC 1939 §7: 1..70 bytes of 0x21..0x7e.
bool valid_uidl(std::string_view s) {
  if (s.empty() || s.size() > 70) return false;
  for (char c : s) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

std::size_t without_info(std::string_view name) {
  const auto info = name.find(":2,");
  return info == std::string_view::npos ? name.size() : info;
}

// The UIDL rule, in place (nearly every stored name is already a valid UIDL, so no copy).
void make_uidl(std::string& name) {
  name.resize(without_info(name));
  if (!valid_uidl(name)) name = pop3::apop_digest(name, "");  // MD5 hex: 32 valid, stable
}

}  // namespace

std::string uidl_from_name(std::string_view name) {
  std::string uidl(name);
  make_uidl(uidl);
  return uidl;
}

std::shared_ptr<const MailboxListing> make_listing(std::vector<spool::StoredMessage> messages) {
  for (auto& m : messages) make_uidl(m.uidl);
  return std::make_shared<const MailboxListing>(std::move(messages));
}

MaildirMailbox::MaildirMailbox(std::vector<spool::StoredMessage> messages, MailboxLock lock)
    : MaildirMailbox(make_listing(std::move(messages)), std::move(lock)) {}

MaildirMailbox::MaildirMailbox(std::shared_ptr<const MailboxListing> listing, MailboxLock lock)
    : listing_(std::move(listing)), lock_(std::move(lock)) {}

MaildirMailbox::~MaildirMailbox() {
  close_cached();
  for (auto& d : dirs_) {
    if (d.fd >= 0) ::close(d.fd);
  }
}

// Opens a message relative to its directory's cached descriptor: the kernel then resolves one
// name instead of the whole MAIL_ROOT path, for each of the messages a session reads. The
// account's owner can swap a listed file for a symlink or FIFO after login: open_regular()
// refuses both (the server may run as root; a FIFO would block the event loop).
Result<int> MaildirMailbox::open_message(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return open_regular(AT_FDCWD, path.c_str(), path);
  const std::string_view dir(path.data(), slash);
  DirFd* slot = dirs_[0].path == dir ? &dirs_[0] : dirs_[1].path == dir ? &dirs_[1] : nullptr;
  if (slot == nullptr) {
    slot = dirs_[0].fd < 0 ? &dirs_[0] : &dirs_[1];
    if (slot->fd >= 0) ::close(slot->fd);
    slot->path.assign(dir);
    slot->fd = ::open(slot->path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  }
  if (slot->fd < 0) return open_regular(AT_FDCWD, path.c_str(), path);
  return open_regular(slot->fd, path.c_str() + slash + 1, path);
}

void MaildirMailbox::close_cached() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<std::size_t> MaildirMailbox::read(std::size_t index, std::uint64_t offset,
                                         std::span<char> buffer) {
  if (index >= messages().size())
    return make_error(ErrorKind::internal, "message index out of range");
  if (index == eof_index_ && offset == eof_offset_) return std::size_t{0};
  const std::string& path = messages()[index].path;
  if (fd_ < 0 || fd_index_ != index) {
    close_cached();
    auto opened = open_message(path);
    if (!opened) return opened.error();
    fd_ = *opened;
    fd_index_ = index;
  }
  for (;;) {
    const ssize_t n = ::pread(fd_, buffer.data(), buffer.size(), static_cast<off_t>(offset));
    if (n >= 0) {
      // A short read of a regular file ends it: done with this message, so do not keep the
      // descriptor idle, and answer the caller's next read (at the end) with 0 at once.
      if (static_cast<std::size_t>(n) < buffer.size()) {
        close_cached();
        eof_index_ = index;
        eof_offset_ = offset + static_cast<std::uint64_t>(n);
      }
      return static_cast<std::size_t>(n);
    }
    if (errno != EINTR) return fs::sys_error("read", path, errno);
  }
}

void MaildirMailbox::release() {
  close_cached();
  lock_.release();
}

Result<void> MaildirMailbox::remove(const std::vector<std::size_t>& indexes) {
  close_cached();
  std::vector<std::string> paths;
  for (std::size_t i : indexes) {
    if (i < messages().size()) paths.push_back(messages()[i].path);
  }
  return spool::delete_messages(fs::posix(), paths);
}

}  // namespace psyncd::pop3d
