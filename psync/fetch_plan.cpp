#include "psync/fetch_plan.hpp"

#include <unordered_map>

namespace psyncd::psync {

namespace {

struct Candidate {
  std::uint32_t number;
  std::string key;
  bool has_uidl;
};

std::vector<Candidate> candidates(const PlanInput& in) {
  std::vector<Candidate> out;
  if (!in.uidl_refused) {
    for (const auto& e : in.uidl) out.push_back({e.number, e.uid, true});
    return out;
  }
  // No UIDL (XMail then takes 1..N): the key only ties journal records to this session, so a
  // renumbered mailbox can never make us DELE the wrong message later.
  for (std::uint32_t n = 1; n <= in.count; ++n) {
    out.push_back({n, "#nouidl:" + in.session_tag + ":" + std::to_string(n), false});
  }
  return out;
}

}  // namespace

Plan make_plan(const PlanInput& in) {
  Plan plan;
  std::unordered_map<std::uint32_t, std::uint64_t> sizes;
  for (const auto& e : in.list) sizes[e.number] = e.octets;
  const AuthOptions& opt = *in.options;
  bool leave = opt.leave || opt.keep_days > 0;
  for (const auto& c : candidates(in)) {
    if (c.has_uidl) plan.current.insert(c.key);
    std::uint64_t size = sizes.count(c.number) ? sizes[c.number] : 0;
    if (c.has_uidl && in.delivered && in.delivered(c.key)) {
      // Delivered by an earlier session that did not reach QUIT (or a crash).
      if (leave) {
        plan.keep_seen.push_back(c.key);
      } else {
        plan.dele_now.push_back(c.number);
      }
      continue;
    }
    if (leave && c.has_uidl && in.seen.count(c.key)) {
      plan.keep_seen.push_back(c.key);
      ++plan.skipped_seen;
      continue;
    }
    if (opt.max_size > 0 && size > opt.max_size) {
      if (opt.size_action == SizeAction::del) {
        plan.dele_now.push_back(c.number);
      } else {
        ++plan.skipped_size;
        plan.skipped_size_bytes += size;
      }
      continue;
    }
    plan.fetch.push_back({c.number, size});
    plan.keys[c.number] = c.key;
  }
  return plan;
}

}  // namespace psyncd::psync
