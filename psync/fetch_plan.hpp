// FetchPlan: what one session does with the remote mailbox, decided from the listings before
// any RETR (pure, no I/O): messages to fetch (UIDL order, or 1..N when UIDL was refused),
// messages to DELE at once (already delivered per the journal; over MaxSize with
// SizeAction=delete), messages skipped (Leave and already seen; over MaxSize), and the UIDLs
// of the seen-DB that are still on the server; and retr_bound(), how many bytes a RETR may
// bring. The journal lookup is a callback so the plan can be tested without files.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "pop3/client/listing.hpp"
#include "pop3/client/session.hpp"
#include "psync/link_authtype.hpp"

namespace psyncd::psync {

struct PlanInput {
  std::uint32_t count = 0;            // STAT
  std::vector<pop3::UidlEntry> uidl;  // empty when refused
  bool uidl_refused = false;
  std::vector<pop3::ListEntry> list;
  std::function<bool(const std::string&)> delivered;  // the journal: every recipient has it
  std::set<std::string> seen;                         // Leave: the seen-DB
  const AuthOptions* options = nullptr;
  std::string session_tag;  // makes no-UIDL journal keys unique to the session
  // KeepDays: first download time of seen UIDLs, and now (unix seconds).
  std::map<std::string, long long> first_seen;
  long long now = 0;
};

struct Plan {
  std::vector<pop3::FetchItem> fetch;
  std::map<std::uint32_t, std::string> keys;     // number -> UIDL (journal key)
  std::map<std::uint32_t, std::uint64_t> sizes;  // number -> LIST octets, of those fetched
  std::vector<std::uint32_t> dele_now;
  std::vector<std::string> keep_seen;  // seen-DB entries still on the server
  std::set<std::string> current;       // every UIDL on the server now
  std::uint32_t skipped_seen = 0;
  std::uint32_t expired = 0;  // KeepDays: seen and old enough to delete
  std::uint32_t skipped_size = 0;
  std::uint64_t skipped_size_bytes = 0;
};

Plan make_plan(const PlanInput& in);

// The most bytes (as received: unstuffed, CRLF line ends) a RETR of a message LIST announced
// at `announced` octets may bring before it is abandoned: the announced size plus a quarter
// plus 64 KiB, for servers whose LIST is slightly off (sizes counted with LF line ends, a
// header added at RETR time). With MaxSize (`max_size` > 0) also at most MaxSize plus the
// same slack. A hostile server announcing a small size then writes no more than that.
std::uint64_t retr_bound(std::uint64_t announced, std::uint64_t max_size);

}  // namespace psyncd::psync
