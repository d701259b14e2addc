#include "spool/unique_name.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <chrono>

namespace psyncd::spool {
namespace {

std::string sanitise_host(std::string_view host) {
  if (host.empty()) return "localhost";
  std::string out(host);
  for (char& c : out) {
    if (c == '/' || c == ':' || c == ',' || c == '\\') c = '_';
  }
  return out;
}

}  // namespace

const std::string& local_host_name() {
  static const std::string name = [] {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) buf[0] = '\0';
    return sanitise_host(buf);
  }();
  return name;
}

std::string format_unique_name(long long ms_time, unsigned long tid, unsigned long pid,
                               unsigned long seq, std::string_view host) {
  return fmt::format("{}.{:x}.{:x}.{:x}.{}", ms_time, tid, pid, seq, sanitise_host(host));
}

std::string unique_name(const Clock& clock) {
  static std::atomic<unsigned long> sequence{0};
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock.now().time_since_epoch()).count();
  // Asked once per thread and once per process: two system calls per message add up in a
  // 300-message batch. psyncd does not fork after start-up, so the cached pid stays right.
  thread_local const auto tid = static_cast<unsigned long>(::gettid());
  static const auto pid = static_cast<unsigned long>(::getpid());
  return format_unique_name(static_cast<long long>(ms), tid, pid, sequence++, local_host_name());
}

}  // namespace psyncd::spool
