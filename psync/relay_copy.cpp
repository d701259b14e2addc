#include "psync/relay_copy.hpp"

#include <unistd.h>

#include <cerrno>

#include "common/fs.hpp"

namespace psyncd::psync {

Result<RelayCopy> RelayCopy::create(const std::string& path) {
  RelayCopy copy;
  copy.path_ = path;
  copy.file_.reset(std::fopen(path.c_str(), "wbx"));
  if (!copy.file_) return fs::sys_error("cannot create", path, errno);
  return copy;
}

Result<void> RelayCopy::write(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + 16);
  for (char c : bytes) {
    if (c == '\n' && !after_cr_) out += '\r';
    out += c;
    after_cr_ = c == '\r';
  }
  if (std::fwrite(out.data(), 1, out.size(), file_.get()) != out.size())
    return fs::sys_error("cannot write", path_, errno);
  return {};
}

Result<void> RelayCopy::finish() {
  if (!file_) return {};
  int rc = std::fflush(file_.get());
  int err = errno;
  file_.reset();
  if (rc != 0) return fs::sys_error("cannot write", path_, err);
  return {};
}

void RelayCopy::remove() {
  file_.reset();
  if (!path_.empty()) ::unlink(path_.c_str());
}

}  // namespace psyncd::psync
