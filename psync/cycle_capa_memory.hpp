// CapaMemory: the CAPA list each POP3S server gave in this cycle, so that the cycle's later
// connections to it skip the CAPA round trip (pop3/client/curl_transport.hpp, known_capa).
// It lives for one cycle only: every cycle asks each server afresh once, so a server whose
// capabilities change (PIPELINING dropped, another SASL list) is seen at the next cycle at the
// latest, and a list is kept only when the server answered CAPA at all.
// Keyed by what decides the server reached: host, port and local address. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace psyncd::psync {

class CapaMemory {
 public:
  std::optional<std::vector<std::string>> recall(const std::string& server) const;
  void remember(const std::string& server, const std::vector<std::string>& capa);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::string>> known_;
};

}  // namespace psyncd::psync
