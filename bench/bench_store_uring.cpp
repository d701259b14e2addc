// The store's system calls, one at a time or through io_uring: N messages of S bytes into one
// Maildir/new in batches of B, each message stored as psyncd stores it (spool/delivery.hpp):
// an unnamed temp file (open O_TMPFILE in Maildir/tmp), one write, a link into new/, close;
// each batch made durable with one syncfs (as DeliveryBatch does with unnamed temps, the
// journal left out: it is one write per batch either way). Two ways to issue the same calls:
//   syscalls  open + write + linkat + close per message (what psyncd does today)
//   io_uring  per batch, one submission of B openat, then one of B linked write -> linkat ->
//             close chains (liburing): 2 io_uring_enter per batch instead of 4 calls a message
// Prints wall time, CPU per message (user + system of the process, io_uring's workers
// included: they are threads of it) and system calls per message, best of R rounds each,
// the two ways alternating so both see the same machine load.
// Usage: bench_store_uring DIR [messages=3000] [size=4096] [batch=300] [rounds=5]
#include <fcntl.h>
#include <fmt/format.h>
#include <liburing.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "bench/process_cpu.hpp"

namespace {

struct Figures {
  double wall = 0;
  double cpu = 0;
  long calls = 0;
};

[[noreturn]] void die(const char* what, int err) {
  fmt::print(stderr, "bench_store_uring: {}: {}\n", what, std::generic_category().message(err));
  std::_Exit(1);
}

struct Maildir {
  std::string tmp;
  std::string fresh;
  int dir_fd = -1;
};

Maildir make_maildir(const std::string& root) {
  Maildir m{root + "/tmp", root + "/new", -1};
  std::filesystem::create_directories(m.tmp);
  std::filesystem::create_directories(m.fresh);
  m.dir_fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (m.dir_fd < 0) die("open maildir", errno);
  return m;
}

std::string target(const Maildir& m, long i, size_t size) {
  return fmt::format("{}/{}.bench,W={}", m.fresh, i, size);
}

Figures run_syscalls(const Maildir& m, const std::string& message, long messages, long batch) {
  Figures f;
  const double cpu0 = psyncd::bench::process_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < messages;) {
    for (long k = 0; k < batch && i < messages; ++k, ++i) {
      int fd = ::open(m.tmp.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
      if (fd < 0) die("open O_TMPFILE", errno);
      if (::write(fd, message.data(), message.size()) != static_cast<ssize_t>(message.size()))
        die("write", errno);
      if (::linkat(fd, "", AT_FDCWD, target(m, i, message.size()).c_str(), AT_EMPTY_PATH) != 0)
        die("linkat", errno);
      ::close(fd);
      f.calls += 4;
    }
    if (::syncfs(m.dir_fd) != 0) die("syncfs", errno);
    ++f.calls;
  }
  f.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  f.cpu = psyncd::bench::process_cpu_seconds() - cpu0;
  return f;
}

// Submits what is queued and reaps `expected` completions; every one must have succeeded
// (res >= 0; an openat's res is its descriptor, stored by user_data).
void submit_and_reap(io_uring& ring, unsigned expected, std::vector<int>* fds, Figures& f) {
  int r = io_uring_submit_and_wait(&ring, expected);
  ++f.calls;
  if (r < 0) die("io_uring_submit_and_wait", -r);
  unsigned seen = 0;
  while (seen < expected) {
    io_uring_cqe* cqe = nullptr;
    r = io_uring_wait_cqe(&ring, &cqe);
    if (r < 0) die("io_uring_wait_cqe", -r);
    if (cqe->res < 0) die("io_uring operation", -cqe->res);
    if (fds != nullptr) (*fds)[cqe->user_data] = cqe->res;
    io_uring_cqe_seen(&ring, cqe);
    ++seen;
  }
}

Figures run_uring(const Maildir& m, const std::string& message, long messages, long batch) {
  io_uring ring{};
  const unsigned entries = static_cast<unsigned>(std::max(3 * batch, 8L));
  if (int r = io_uring_queue_init(entries, &ring, 0); r < 0) die("io_uring_queue_init", -r);
  Figures f;
  std::vector<int> fds(static_cast<size_t>(batch), -1);
  std::vector<std::string> targets(static_cast<size_t>(batch));
  const double cpu0 = psyncd::bench::process_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < messages;) {
    const long n = std::min(batch, messages - i);
    for (long k = 0; k < n; ++k) {
      io_uring_sqe* sqe = io_uring_get_sqe(&ring);
      io_uring_prep_openat(sqe, AT_FDCWD, m.tmp.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
      sqe->user_data = static_cast<__u64>(k);
    }
    submit_and_reap(ring, static_cast<unsigned>(n), &fds, f);
    for (long k = 0; k < n; ++k) {
      const auto slot = static_cast<size_t>(k);
      targets[slot] = target(m, i + k, message.size());
      io_uring_sqe* w = io_uring_get_sqe(&ring);
      io_uring_prep_write(w, fds[slot], message.data(), static_cast<unsigned>(message.size()), 0);
      w->flags |= IOSQE_IO_LINK;
      io_uring_sqe* l = io_uring_get_sqe(&ring);
      io_uring_prep_linkat(l, fds[slot], "", AT_FDCWD, targets[slot].c_str(), AT_EMPTY_PATH);
      l->flags |= IOSQE_IO_LINK;
      io_uring_prep_close(io_uring_get_sqe(&ring), fds[slot]);
    }
    submit_and_reap(ring, static_cast<unsigned>(3 * n), nullptr, f);
    i += n;
    if (::syncfs(m.dir_fd) != 0) die("syncfs", errno);
    ++f.calls;
  }
  f.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  f.cpu = psyncd::bench::process_cpu_seconds() - cpu0;
  io_uring_queue_exit(&ring);
  return f;
}

long arg(int argc, char** argv, int i, long fallback) {
  return argc > i ? std::strtol(argv[i], nullptr, 10) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_store_uring DIR [messages] [size] [batch] [rounds]\n");
    return 64;
  }
  const std::string dir = argv[1];
  const long messages = arg(argc, argv, 2, 3000);
  const long size = arg(argc, argv, 3, 4096);
  const long batch = std::max(1L, arg(argc, argv, 4, 300));
  const long rounds = std::max(1L, arg(argc, argv, 5, 5));
  const std::string message(static_cast<size_t>(size), 'x');
  fmt::print("{} messages of {} bytes in batches of {} into {}, best of {} rounds\n", messages,
             size, batch, dir, rounds);
  Figures best[2];
  for (long r = 0; r < rounds; ++r) {
    for (int way = 0; way < 2; ++way) {
      // A fresh Maildir per run: no run creates its files beside another's.
      Maildir m = make_maildir(fmt::format("{}/run{}-{}", dir, r, way));
      Figures f = way == 0 ? run_syscalls(m, message, messages, batch)
                           : run_uring(m, message, messages, batch);
      ::close(m.dir_fd);
      if (r == 0 || f.wall < best[way].wall) best[way].wall = f.wall;
      if (r == 0 || f.cpu < best[way].cpu) best[way].cpu = f.cpu;
      best[way].calls = f.calls;
    }
  }
  const auto per = [messages](double v) { return v / static_cast<double>(messages); };
  for (int way = 0; way < 2; ++way) {
    fmt::print("{:<9} {:>7.3f} s  {:>6.1f} us CPU/msg  {:>5.2f} system calls/msg\n",
               way == 0 ? "syscalls" : "io_uring", best[way].wall, 1e6 * per(best[way].cpu),
               per(static_cast<double>(best[way].calls)));
  }
  return 0;
}
