// open_regular: opens a file that must be a regular file for reading, for code that serves
// files a less trusted user can write to (a mail account's Maildir). A symlink is refused
// (O_NOFOLLOW), so is anything else that is not a regular file (FIFO, socket, device): the
// open is O_NONBLOCK so a FIFO cannot block the caller, and fstat decides. Refusals are
// ErrorKind::auth ("not served"), other failures ErrorKind::io / not_found as fs::sys_error.
#pragma once

#include <string>

#include "common/result.hpp"

namespace psyncd {

// `name` relative to `dir_fd` (AT_FDCWD: the working directory or an absolute name);
// `path` names the file in errors. Returns the descriptor (O_CLOEXEC; O_NONBLOCK stays set:
// it changes nothing for a regular file).
Result<int> open_regular(int dir_fd, const char* name, const std::string& path);

}  // namespace psyncd
