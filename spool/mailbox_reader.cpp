#include "spool/mailbox_reader.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <utility>

#include "common/decimal.hpp"
#include "common/open_regular.hpp"

namespace psyncd::spool {
namespace {

constexpr size_t kReadBytes = 64 * 1024;

// Regular, non-dot files of `dir`, sorted. ENOENT = empty.
Result<std::vector<std::string>> file_names(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return out;
    return fs::sys_error("cannot list", dir, errno);
  }
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    bool regular = e->d_type == DT_REG;
    if (e->d_type == DT_UNKNOWN) {  // some file systems do not fill d_type
      struct stat st;
      regular = ::stat(fs::join(dir, e->d_name).c_str(), &st) == 0 && S_ISREG(st.st_mode);
    }
    if (regular) out.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

Result<void> add_dir(const std::string& dir, std::vector<StoredMessage>& out) {
  auto names = file_names(dir);
  if (!names) return names.error();
  for (auto& name : *names) {
    StoredMessage m;
    m.path = fs::join(dir, name);
    if (auto size = size_from_name(name)) {
      m.size = *size;
    } else {
      auto scanned = scan_wire_size(m.path);
      if (!scanned) {
        if (scanned.error().kind == ErrorKind::not_found) continue;  // deleted meanwhile
        return scanned.error();
      }
      m.size = *scanned;
    }
    m.uidl = std::move(name);
    out.push_back(std::move(m));
  }
  return {};
}

}  // namespace

std::optional<std::uint64_t> size_from_name(std::string_view name) {
  name = name.substr(0, name.find(':'));  // Maildir info ":2,..." is not part of the sizes
  size_t at = name.find(",W=");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view digits = name.substr(at + 3);
  digits = digits.substr(0, digits.find(','));
  return parse_decimal(digits);
}

std::vector<std::string> listed_dirs(const std::string& account_dir, MailboxFormat format,
                                     bool scan_cur) {
  if (format == MailboxFormat::mailbox) return {fs::join(account_dir, "mailbox")};
  std::string md = fs::join(account_dir, "Maildir");
  if (!scan_cur) return {fs::join(md, "new")};
  return {fs::join(md, "new"), fs::join(md, "cur")};
}

Result<std::vector<StoredMessage>> list_messages(const std::string& account_dir,
                                                 MailboxFormat format, bool scan_cur) {
  std::vector<StoredMessage> out;
  for (const auto& dir : listed_dirs(account_dir, format, scan_cur)) {
    if (auto r = add_dir(dir, out); !r) return r.error();
  }
  return out;
}

Result<std::uint64_t> scan_wire_size(const std::string& path) {
  auto reader = MessageReader::open(path);
  if (!reader) return reader.error();
  std::uint64_t size = 0;
  std::string chunk;
  for (;;) {
    auto more = reader->next(chunk);
    if (!more) return more.error();
    size += chunk.size();
    if (!*more) return size;
  }
}

Result<MessageReader> MessageReader::open(const std::string& path) {
  // Sizing at login reads files the account's owner can swap: no symlink, no FIFO.
  auto fd = open_regular(AT_FDCWD, path.c_str(), path);
  if (!fd) return fd.error();
  return MessageReader(*fd, path);
}

MessageReader::MessageReader(MessageReader&& other) noexcept { *this = std::move(other); }

MessageReader& MessageReader::operator=(MessageReader&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    done_ = other.done_;
    normalizer_ = other.normalizer_;
  }
  return *this;
}

MessageReader::~MessageReader() {
  if (fd_ >= 0) ::close(fd_);
}

Result<bool> MessageReader::next(std::string& chunk) {
  chunk.clear();
  if (done_) return false;
  char buf[kReadBytes];
  for (;;) {
    ssize_t n = ::read(fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fs::sys_error("cannot read", path_, errno);
    if (n == 0) {
      normalizer_.finish(chunk);
      done_ = true;
      return !chunk.empty();
    }
    normalizer_.feed(std::string_view(buf, static_cast<size_t>(n)), chunk);
    if (!chunk.empty()) return true;  // a lone held-back CR gives no output yet
  }
}

Result<void> delete_messages(fs::FileSystem& fs, const std::vector<std::string>& paths) {
  Result<void> first;
  std::set<std::string> dirs;
  for (const auto& p : paths) {
    auto r = fs.unlink(p);
    if (!r && r.error().kind != ErrorKind::not_found && first.ok()) first = r;
    dirs.insert(fs::dir_name(p));
  }
  for (const auto& d : dirs) {
    if (auto r = fs.fsync_dir(d); !r && first.ok()) first = r;
  }
  return first;
}

}  // namespace psyncd::spool
