#include "psync/cycle_capa_memory.hpp"

namespace psyncd::psync {

std::optional<std::vector<std::string>> CapaMemory::recall(const std::string& server) const {
  std::lock_guard lock(mutex_);
  auto it = known_.find(server);
  if (it == known_.end()) return std::nullopt;
  return it->second;
}

void CapaMemory::remember(const std::string& server, const std::vector<std::string>& capa) {
  if (capa.empty()) return;  // no CAPA answer: nothing to go by next time
  std::lock_guard lock(mutex_);
  known_.insert_or_assign(server, capa);
}

}  // namespace psyncd::psync
