// How much a remote server can make us write for one message: a RETR is bounded by the size
// LIST announced plus slack and by MaxSize (retr_bound() in psync/fetch_plan.hpp). A fake
// server that announces 100 bytes and then floods is cut off near the bound, its temp file
// removed, nothing delivered or DELEd, and the error names the link, the message and sizes.
// The hidden case "[.endless]" floods until refused and prints the bytes written (a figure,
// not a test: run it by name).
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>

#include "psync/fetch_plan.hpp"
#include "tests/support/psync/psync_fetch_fixture.hpp"
#include "tests/support/spool/spool_fixture.hpp"

using namespace psyncd::test;  // NOLINT: test builders read like a transcript
using psyncd::psync::retr_bound;

namespace {

const std::string kMsg1 = "Subject: one\r\n\r\nbody 1\r\n";
const std::string kLine = std::string(78, 'z') + "\r\n";

// Counts the bytes written through the file-system seam into files under `prefix` (the
// temp files; the journal's records are left out).
class CountingFs final : public psyncd::fs::ForwardingFileSystem {
 public:
  explicit CountingFs(std::string prefix)
      : ForwardingFileSystem(psyncd::fs::posix()), prefix_(std::move(prefix)) {}
  psyncd::Result<void> write_all(int fd, std::string_view d, const std::string& p) override {
    if (p.rfind(prefix_, 0) == 0) written += d.size();
    return inner_.write_all(fd, d, p);
  }
  std::uint64_t written = 0;

 private:
  std::string prefix_;
};

// Message 1 is sent whole; message 2, announced at 100 bytes, is a header and then `flood`
// bytes of lines (0: until the client hangs up).
std::vector<FakeStep> endless_second(std::uint64_t flood_bytes) {
  return join_steps(
      {hello_login(),
       listing({{"u1", kMsg1.size()}, {"big", 100}}),
       {expect("RETR 1\r\nRETR 2\r\n"), say("+OK\r\n" + kMsg1 + ".\r\n+OK\r\nSubject: big\r\n\r\n"),
        flood(kLine, flood_bytes)}});
}

long oublock() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_oublock;
}

}  // namespace

TEST_CASE("retr_bound: LIST size plus a quarter plus 64 KiB, capped by MaxSize", "[psync]") {
  CHECK(retr_bound(0, 0) == 65536);
  CHECK(retr_bound(100, 0) == 100 + 25 + 65536);
  CHECK(retr_bound(4u << 20, 0) == (5u << 20) + 65536);
  CHECK(retr_bound(4u << 20, 100 * 1024) == 128000 + 65536);  // MaxSize=100k with its slack
  CHECK(retr_bound(1000, 100 * 1024) == 1000 + 250 + 65536);
}

TEST_CASE("fetch: a message longer than LIST announced is abandoned near its bound",
          "[psync][fetch]") {
  FetchFixture f;
  CountingFs counting(f.dir / "tmp");
  f.env.fs = &counting;
  const std::string authtype = GENERATE(as<std::string>{}, "", "MaxSize=100k");
  FakePop3Server server(endless_second(8u << 20));
  auto link = f.link(server.port(), authtype);
  auto r = f.sync(link);
  INFO(psyncd::psync::describe(r));
  CHECK_FALSE(r.ok);
  const std::uint64_t bound = retr_bound(100, link.auth.max_size);
  std::string limits = "LIST announced 100";
  if (!authtype.empty()) limits += ", MaxSize=102400";
  CHECK(r.reason().find(link.remote_spec + ": RETR: message 2: abandoned at ") == 0);
  CHECK(r.reason().find(", over its bound of " + std::to_string(bound) + " bytes (" + limits +
                        "); not stored, left on the server") != std::string::npos);
  // Message 1 arrived whole before and is stored; nothing is DELEd (the session is gone).
  CHECK(r.messages == 1);
  CHECK(r.deleted == 0);
  CHECK(f.delivered("joe") == std::vector<std::string>{kMsg1});
  // Written: message 1 and at most the bound of message 2 (the flood was 8 MiB).
  CHECK(counting.written <= kMsg1.size() + bound);
  auto link_tmp = f.dir / ("tmp/joe@127.0.0.1_" + std::to_string(server.port()));
  CHECK(list_names(link_tmp).empty());  // the abandoned temp file is gone
  CHECK(server.finish() == "");
}

TEST_CASE("fetch: a message within its LIST size plus slack is delivered", "[psync][fetch]") {
  FetchFixture f;
  // LIST counted LF line ends: 100000 short lines arrive 100002 bytes longer than announced,
  // more than the 64 KiB alone would allow.
  std::string body = "Subject: lf\r\n\r\n";
  for (int i = 0; i < 100000; ++i) body += "12345678\r\n";
  FakePop3Server server(join_steps({hello_login(),
                                    listing({{"u1", body.size() - 100002}}),
                                    {expect("RETR 1\r\n"), say("+OK\r\n" + body + ".\r\n"),
                                     expect("DELE 1\r\n"), say("+OK\r\n")},
                                    quit_ok()}));
  auto r = f.sync(f.link(server.port()));
  INFO(psyncd::psync::describe(r));
  CHECK(r.ok);
  CHECK(f.delivered("joe") == std::vector<std::string>{body});
  CHECK(server.finish() == "");
}

// The figure for the admin guide: bytes written for an "endless" message, through the seam
// and as the kernel counts them (getrusage ru_oublock, 512-byte blocks dirtied).
TEST_CASE("fetch: endless message, bytes written (figure)", "[.endless]") {
  for (const std::string authtype : {"", "MaxSize=100k"}) {
    FetchFixture f;
    CountingFs counting(f.dir / "tmp");
    f.env.fs = &counting;
    f.env.io_timeout = std::chrono::milliseconds(60'000);
    FakePop3Server server(endless_second(0));
    long before = oublock();
    auto r = f.sync(f.link(server.port(), authtype));
    long blocks = oublock() - before;
    std::printf(
        "endless, authtype \"%s\": %llu bytes written via the seam, %ld KiB dirtied "
        "(ru_oublock); %s\n",
        authtype.c_str(), static_cast<unsigned long long>(counting.written), blocks / 2,
        psyncd::psync::describe(r).c_str());
    CHECK_FALSE(r.ok);
    server.finish();
  }
}
