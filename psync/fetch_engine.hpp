// The fetch engine: one link's sync, start to end (docs/xmail-formats.md §9.2, defects fixed):
// link lock -> journal recovery -> connect + auth -> STAT/UIDL/LIST -> plan (journal says
// delivered: only DELE; Leave: skip UIDLs in the seen-DB; MaxSize/SizeAction) -> for each
// batch: pipelined RETRs streamed into delivery transactions (fetch_sink.hpp), one batch
// commit (journal + directory syncs), then the batch's DELEs -> seen-DB rewrite (Leave) ->
// QUIT, which must answer +OK. A stop flag ends the sync after the messages in flight (no
// new RETR is sent; those already sent are read, committed and DELEd), with QUIT.
// It does not schedule, retry or back off (scheduler.hpp) and writes no psync log line.
// An optional progress hook hears each step and each message received (for --once, status).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "common/clock.hpp"
#include "common/fs.hpp"
#include "common/result.hpp"
#include "psync/fetch_connect.hpp"
#include "psync/fetch_route.hpp"
#include "psync/link.hpp"

namespace psyncd::psync {

// Where a link's sync is; a failure happened in the last step reported.
enum class FetchStep { lock, connect, auth, list, retrieve, store, dele, quit };
// "lock", "connect", "auth", "list", "retrieve", "store", "dele", "quit".
const char* step_name(FetchStep step);

struct FetchProgress {
  FetchStep step = FetchStep::lock;
  std::uint32_t messages = 0;  // received whole this session (counted before their batch commits)
  std::uint64_t bytes = 0;
};

// Called on the syncing thread at each step and after each message received whole: keep it
// cheap (no I/O per call) and thread-safe when links run on several workers.
using ProgressHook = std::function<void(const FetchProgress&)>;

struct FetchEnv {
  RouteConfig route;                 // root, accounts, domains, error account, tags
  fs::FileSystem* fs = nullptr;      // durable writes (shared_group_sync_fs() in run_once)
  const Clock* clock = nullptr;
  TransportFactory connect;          // curl_factory() in production
  std::chrono::milliseconds io_timeout{90'000};  // -YT
  const std::atomic<bool>* stop = nullptr;       // set on SIGTERM
  std::uint32_t batch_messages = 500;            // messages per durability batch
  std::uint64_t batch_bytes = 32u << 20;         // expected bytes per batch
  ProgressHook progress;                         // optional
};

enum class FailureScope { none, host, account };

struct LinkResult {
  bool ok = false;
  bool skipped = false;            // lock held elsewhere: not a failure of the link
  FailureScope scope = FailureScope::none;  // what a failure says about the remote
  std::uint32_t messages = 0;      // delivered (XMail: "msgs synced")
  std::uint64_t bytes = 0;
  std::uint32_t not_synced = 0;    // left on the server or sent to the error account
  std::uint64_t not_synced_bytes = 0;
  std::uint32_t deleted = 0;       // DELEs the server accepted (committed when ok)
  // Of not_synced, the messages that stay on the server although the link wanted them (no
  // route, not stored, RETR refused); MaxSize skips and error-account copies are not held.
  std::uint32_t held = 0;
  std::string held_reason;         // why the first held message was held
  std::string reason;              // first error, "" when ok
};

LinkResult sync_link(const FetchEnv& env, const Link& link);

// "ok: 3 msgs 12345 bytes, ..." / "held 2: reason (counts)" (ok, but messages stayed on the
// server) / "FAIL: reason (counts)" / "skipped: why" for summaries.
std::string describe(const LinkResult& result);
// "held 2: why the first was held" (no counts).
std::string held_text(const LinkResult& result);
// The counts part: "3 msgs 12345 bytes, 0 deleted, 0 not synced".
std::string counts_text(const LinkResult& result);

}  // namespace psyncd::psync
