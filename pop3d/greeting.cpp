#include "pop3d/greeting.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>

#include "common/clock.hpp"
#include "common/log.hpp"

namespace psyncd::pop3d {

namespace {

std::atomic<std::uint64_t> g_timestamp_counter{0};

}  // namespace

std::string Greeting::text(const spool::ServerConfig& server) {
  auto custom = server.get("Pop3Greeting");
  if (!custom || custom->empty()) return std::string(kDefaultGreeting);
  bool printable = true;
  for (char c : *custom)
    printable = printable && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  if (custom->size() > kMaxGreeting || !printable) {
    if (warned_ != *custom) {
      log::warn(
          "pop3d: server.tab Pop3Greeting is longer than {} characters or not printable "
          "ASCII; using the default greeting",
          kMaxGreeting);
      warned_ = *custom;
    }
    return std::string(kDefaultGreeting);
  }
  return *custom;
}

std::string Greeting::next_timestamp(std::string_view domain,
                                     std::chrono::system_clock::time_point now) {
  const auto secs = unix_seconds(now);
  std::string d(domain);
  for (char& c : d) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '>' || c == '<' || c == 0x7f) c = '_';
  }
  return fmt::format("<{}.{}.{}@{}>", secs, ::getpid(), g_timestamp_counter.fetch_add(1) + 1, d);
}

}  // namespace psyncd::pop3d
