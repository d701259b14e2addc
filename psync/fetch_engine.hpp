// The fetch engine: one link's sync, start to end (docs/xmail-formats.md §9.2, defects fixed):
// link lock -> journal recovery -> connect + auth -> STAT/UIDL/LIST -> plan (journal says
// delivered: only DELE; Leave: skip UIDLs in the seen-DB; MaxSize/SizeAction) -> for each
// batch: pipelined RETRs streamed into delivery transactions (fetch_sink.hpp), one batch
// commit (journal + syncs), then the batch's DELEs; batch k+1's RETRs are already queued
// while batch k commits, its DELEs queue behind them -> seen-DB rewrite (Leave) -> QUIT,
// which must answer +OK. A stop flag ends the sync after the messages in flight (no
// new RETR is sent; those already sent are read, committed and DELEd), with QUIT.
// It does not schedule, retry or back off (cycle_scheduler.hpp) and writes no psync log line.
// An optional progress hook hears each step and each message received (for --once, status).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/clock.hpp"
#include "common/fs.hpp"
#include "common/result.hpp"
#include "psync/fetch_connect.hpp"
#include "psync/fetch_route.hpp"
#include "psync/link.hpp"
#include "psync/link_outcome.hpp"
#include "psync/oauth_tokens.hpp"
#include "smtp/relay.hpp"

namespace psyncd::psync {

struct FetchProgress {
  FetchStep step = FetchStep::lock;
  std::uint32_t messages = 0;  // received whole this session (counted before their batch commits)
  std::uint64_t bytes = 0;
};

// Called on the syncing thread at each step and after each message received whole: keep it
// cheap (no I/O per call) and thread-safe when links run on several workers.
using ProgressHook = std::function<void(const FetchProgress&)>;

struct FetchEnv {
  RouteConfig route;             // root, accounts, domains, error account, tags
  fs::FileSystem* fs = nullptr;  // durable writes (shared_group_sync_fs() in run_once)
  const Clock* clock = nullptr;
  TransportFactory connect;                      // curl_factory() in production
  TokenSource oauth;                             // OAuth= links: oauth_token_source() in production
  std::chrono::milliseconds io_timeout{90'000};  // -YT
  const std::atomic<bool>* stop = nullptr;       // set on SIGTERM
  std::uint32_t batch_messages = 500;            // messages per durability batch
  std::uint64_t batch_bytes = 32u << 20;         // expected bytes per batch
  ProgressHook progress;                         // optional
  // Sends to the SMTP gateway when route.relay is set (smtp::CurlSender in production); null:
  // messages that need the relay stay on the server.
  std::shared_ptr<smtp::Sender> relay_sender;
};

// The typed outcome (link_outcome.hpp): counts, and on failure the step, the error and the
// server's reply.
LinkResult sync_link(const FetchEnv& env, const Link& link);

}  // namespace psyncd::psync
