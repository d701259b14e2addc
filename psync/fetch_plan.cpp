#include "psync/fetch_plan.hpp"

#include <algorithm>
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

bool expired(const PlanInput& in, const AuthOptions& opt, const std::string& uid) {
  if (opt.keep_days == 0) return false;
  auto it = in.first_seen.find(uid);
  if (it == in.first_seen.end()) return false;
  return in.now - it->second >= static_cast<long long>(opt.keep_days) * 86400;
}

}  // namespace

Plan make_plan(const PlanInput& in) {
  Plan plan;
  std::unordered_map<std::uint32_t, std::uint64_t> sizes;
  for (const auto& e : in.list) sizes[e.number] = e.octets;
  const AuthOptions& opt = *in.options;
  bool leave = leave_mode(opt);
  for (const auto& c : candidates(in)) {
    if (c.has_uidl) plan.current.insert(c.key);
    std::uint64_t size = sizes.count(c.number) ? sizes[c.number] : 0;
    bool delivered = c.has_uidl && in.delivered && in.delivered(c.key);
    if (delivered && !leave) {
      // Delivered by an earlier session that did not reach QUIT (or a crash): only DELE.
      plan.dele_now.push_back(c.number);
      continue;
    }
    if (leave && c.has_uidl && (delivered || in.seen.count(c.key))) {
      // Stays in the seen-DB even when deleted now: should QUIT fail, the message is still
      // on the server and must not be fetched again.
      plan.keep_seen.push_back(c.key);
      if (!delivered) ++plan.skipped_seen;
      if (expired(in, opt, c.key)) {
        plan.dele_now.push_back(c.number);
        ++plan.expired;
      }
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
    plan.sizes[c.number] = size;
  }
  return plan;
}

std::uint64_t retr_bound(std::uint64_t announced, std::uint64_t max_size) {
  // LIST sizes are parsed with a cap far below 2^62, so the sums cannot overflow.
  auto with_slack = [](std::uint64_t n) { return n + n / 4 + (64u << 10); };
  std::uint64_t bound = with_slack(announced);
  if (max_size > 0) bound = std::min(bound, with_slack(max_size));
  return bound;
}

}  // namespace psyncd::psync
