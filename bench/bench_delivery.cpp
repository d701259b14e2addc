// Delivery throughput and durability cost: N messages of S bytes into one Maildir through the
// real delivery path (Delivery -> DeliveryBatch -> DeliveryJournal), counting every fsync,
// directory fsync and syncfs with a counting FileSystem wrapper. Three runs:
//   unbatched  batch of 1, per-file fsyncs  (what "fsync every message" costs)
//   batched    batch of B, per-file fsyncs  (one journal + one dir fsync per batch)
//   syncfs     batch of B, syncfs           (3 sync calls per batch)
// The per-file runs cost an fsync per message (several ms each on a VM disk), so they run
// fewer messages by default; rates are comparable, totals are not. Each run also prints its
// CPU per message (user + system), the store's cost without the disk waits.
// Usage: bench_delivery DIR [messages=10000] [size=4096] [batch=100] [per_file_messages=1000]
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "bench/process_cpu.hpp"
#include "spool/delivery_batch.hpp"
#include "spool/unique_name.hpp"

using namespace psyncd;

namespace {

class CountingFs final : public fs::ForwardingFileSystem {
 public:
  CountingFs() : ForwardingFileSystem(fs::posix()) {}
  Result<void> fsync(int fd, const std::string& p) override {
    ++syncs;
    return ForwardingFileSystem::fsync(fd, p);
  }
  Result<void> fsync_dir(const std::string& d) override {
    ++syncs;
    return ForwardingFileSystem::fsync_dir(d);
  }
  Result<void> syncfs(const std::string& p) override {
    ++syncs;
    return ForwardingFileSystem::syncfs(p);
  }
  long syncs = 0;
};

struct Run {
  const char* name;
  long messages;
  long batch;
  spool::DeliveryBatch::Sync sync;
};

int fail(const Error& e) {
  std::fprintf(stderr, "bench_delivery: %s\n", e.to_string().c_str());
  return 1;
}

int run(const std::string& base, const Run& r, const std::string& message) {
  std::string root = base + "/" + r.name;
  std::string md = root + "/domains/x.org/joe/Maildir";
  for (const char* sub : {"/tmp", "/new", "/cur"}) std::filesystem::create_directories(md + sub);
  CountingFs fs;
  auto journal = spool::DeliveryJournal::open(fs, spool::journal_path(root, "pop.x.org", "joe"));
  if (!journal) return fail(journal.error());
  long syncs_before = fs.syncs;
  const double cpu_before = psyncd::bench::process_cpu_seconds();
  auto start = std::chrono::steady_clock::now();
  for (long done = 0; done < r.messages;) {
    spool::DeliveryBatch batch(fs, *journal, r.sync);
    for (long i = 0; i < r.batch && done < r.messages; ++i, ++done) {
      auto d = spool::Delivery::begin(fs, md + "/tmp", spool::unique_name());
      if (!d) return fail(d.error());
      if (auto w = d->write(message); !w) return fail(w.error());
      if (auto a =
              batch.add(fmt::format("uidl-{}", done), std::move(*d), {{"joe@x.org", md + "/new"}});
          !a)
        return fail(a.error());
    }
    if (auto c = batch.commit(); !c) return fail(c.error());
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = psyncd::bench::process_cpu_seconds() - cpu_before;
  long files = static_cast<long>(std::distance(std::filesystem::directory_iterator(md + "/new"),
                                               std::filesystem::directory_iterator()));
  if (files != r.messages) {
    std::fprintf(stderr, "bench_delivery: %ld files for %ld messages\n", files, r.messages);
    return 1;
  }
  double per_msg = static_cast<double>(fs.syncs - syncs_before) / static_cast<double>(r.messages);
  fmt::print(
      "{:<10} batch {:>4}  {:>6} msgs  {:>8.3f} s  {:>9.0f} msgs/s  {:>6.3f} fsyncs/msg  "
      "{:>5.1f} us CPU/msg\n",
      r.name, r.batch, r.messages, secs, static_cast<double>(r.messages) / secs, per_msg,
      cpu * 1e6 / static_cast<double>(r.messages));
  return 0;
}

long arg(int argc, char** argv, int i, long fallback) {
  return argc > i ? std::strtol(argv[i], nullptr, 10) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: bench_delivery DIR [messages] [size] [batch] [per_file_messages]\n");
    return 64;
  }
  std::string dir = argv[1];
  long messages = arg(argc, argv, 2, 10000);
  long size = arg(argc, argv, 3, 4096);
  long batch = arg(argc, argv, 4, 100);
  long per_file = arg(argc, argv, 5, 1000);
  // A 4 KB message of 78-byte CRLF lines, so the stored size equals `size`.
  std::string line = std::string(76, 'x') + "\r\n";
  std::string message;
  while (message.size() + line.size() <= static_cast<size_t>(size)) message += line;
  message += std::string(static_cast<size_t>(size) - message.size(), 'y');
  if (message.size() >= 2) message.replace(message.size() - 2, 2, "\r\n");
  using Sync = spool::DeliveryBatch::Sync;
  fmt::print("{} messages of {} bytes into {}\n", messages, message.size(), dir);
  for (const Run& r : {Run{"unbatched", per_file, 1, Sync::per_file},
                       Run{"batched", per_file, batch, Sync::per_file},
                       Run{"syncfs", messages, batch, Sync::automatic}}) {
    if (int rc = run(dir, r, message); rc != 0) return rc;
  }
  return 0;
}
