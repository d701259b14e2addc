// Greeting: the server's welcome line parts. The text is server.tab Pop3Greeting (our
// extension, as IMail's welcome message: at most 400 characters, a longer one is ignored with
// a warning) or our default; the APOP timestamp (RFC 1939 §7) is
// "<epochsecs.pid.counter@domain>", unique per connection like XMail's epoch.threadid@domain:
// the counter is process-wide and atomic, so event loops on different threads never repeat it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "spool/server_config.hpp"

namespace psyncd::pop3d {

inline constexpr std::size_t kMaxGreeting = 400;
inline constexpr std::string_view kDefaultGreeting = "psyncd POP3 server ready";

class Greeting {
 public:
  std::string text(const spool::ServerConfig& server);
  std::string next_timestamp(std::string_view domain, std::chrono::system_clock::time_point now);

 private:
  std::string warned_;  // the over-long value already warned about
};

}  // namespace psyncd::pop3d
