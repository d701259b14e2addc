// RelayCopy: the copy of a fetched message that the SMTP relay sends (fetch_relay.hpp), written
// while the message streams in: the plain message with every line ending in CRLF (a bare LF
// gets its CR; libcurl adds the dot-stuffing). It lives only as long as the session: after a
// crash the message is still on the remote server and is fetched again, so the copy is never
// synced; the next session of the link removes a left-over one with the link's temp files.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace psyncd::psync {

class RelayCopy {
 public:
  static Result<RelayCopy> create(const std::string& path);
  Result<void> write(std::string_view bytes);
  // Flushes and closes; the file stays for the relay to read.
  Result<void> finish();
  // Removes the file (also after finish()).
  void remove();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_{nullptr, &std::fclose};
  bool after_cr_ = false;
};

}  // namespace psyncd::psync
