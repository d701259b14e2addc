#include "app/pid_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "common/fs.hpp"

namespace psyncd::app {

namespace {

std::string first_line(const std::string& path) {
  auto text = fs::read_file(path, 64);
  if (!text) return "?";
  auto end = text->find('\n');
  return end == std::string::npos ? *text : text->substr(0, end);
}

}  // namespace

Result<PidFile> PidFile::acquire(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Error{
        ErrorKind::io,
        path,
        0,
        {},
        std::string("cannot open the pid file: ") + std::generic_category().message(errno)};
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    ::close(fd);
    std::string text =
        e == EWOULDBLOCK
            ? "another psyncd (pid " + first_line(path) +
                  ") is already running on this MAIL_ROOT; stop it first"
            : std::string("cannot lock the pid file: ") + std::generic_category().message(e);
    return Error{ErrorKind::temporary, path, 0, {}, std::move(text)};
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    int e = errno;
    ::close(fd);
    return Error{ErrorKind::io,
                 path,
                 0,
                 {},
                 std::string("cannot write the pid file: ") + std::generic_category().message(e)};
  }
  return PidFile(fd);
}

PidFile::~PidFile() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace psyncd::app
