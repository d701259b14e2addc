// The PSYNC worker pool for one cycle (docs/xmail-formats.md §9.1): the links are taken in file
// order by at most `threads` workers (-Yt), one link per worker at a time, with at most `per_host`
// sessions to the same remote host at once (a link whose host is full waits and later links go
// first). The stop flag makes the pool start no further link; running ones finish (the engine stops
// them after the messages in flight). It knows nothing of POP3: a job is any function.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace psyncd::psync {

struct PoolLimits {
  unsigned threads = 8;   // -Yt, 1..32
  unsigned per_host = 8;  // PsyncMaxPerHost (server.tab extension; default: threads)
};

// Runs job(i) for every i in [0, hosts.size()); hosts[i] is job i's remote host key.
// Returns, per job, whether it ran (false: stopped before it started).
std::vector<bool> run_pool(const std::vector<std::string>& hosts, const PoolLimits& limits,
                           const std::function<void(size_t)>& job,
                           const std::atomic<bool>* stop = nullptr);

}  // namespace psyncd::psync
